import { randomUUID, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import { importJWK, importPKCS8, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { ServiceTokenAuthMethod, ServiceTokenCredential } from './service-token.options.js';
import { ClientCredentialsUnavailableError } from './service-token.errors.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Keycloak caps assertion lifetime at 60 s by default (`token.endpoint.auth.signing.max.exp`). */
const ASSERTION_LIFETIME_SECONDS = 30;

/**
 * Adds the client's credentials to one token request. A secret file is read at every token
 * request, so a secret written there is used from the next one on, while Keycloak still accepts
 * the previous one in a rotation's grace period (ADR 0024); a provider's secret is kept in
 * memory. `reload()` reads either again (a rejected secret). Prints without any secret.
 */
export class ClientAuthentication {
  #secret?: Promise<string>;
  #key?: Promise<CryptoKey | KeyObject>;

  constructor(
    private readonly clientId: string,
    private readonly method: ServiceTokenAuthMethod,
    private readonly credential: ServiceTokenCredential,
  ) {}

  /** Whether `reload()` can yield a different secret (file or provider). */
  get reloadable(): boolean {
    return this.credential.kind === 'secret-file' || this.credential.kind === 'secret-provider';
  }

  async apply(headers: Record<string, string>, body: URLSearchParams): Promise<void> {
    if (this.credential.kind === 'private-key') {
      body.set('client_id', this.clientId);
      body.set('client_assertion_type', ASSERTION_TYPE);
      body.set('client_assertion', await this.assertion(this.credential));
      return;
    }
    if (this.credential.kind === 'secret-file') this.#secret = undefined;
    const secret = await this.secret();
    if (this.method === 'client_secret_post') {
      body.set('client_id', this.clientId);
      body.set('client_secret', secret);
      return;
    }
    // RFC 6749 §2.3.1: id and secret are form-encoded before Base64.
    const basic = `${formEncode(this.clientId)}:${formEncode(secret)}`;
    headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
  }

  /** Reads the secret again; true when it changed. */
  async reload(): Promise<boolean> {
    if (!this.reloadable || !this.#secret) return false;
    const before = await this.#secret.catch(() => undefined);
    this.#secret = undefined;
    return (await this.secret()) !== before;
  }

  toString(): string {
    return `ClientAuthentication(${this.clientId}, ${this.method}, ${this.credential.kind})`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }

  private secret(): Promise<string> {
    if (!this.#secret) {
      const pending = this.readSecret();
      this.#secret = pending;
      pending.catch(() => {
        if (this.#secret === pending) this.#secret = undefined;
      });
    }
    return this.#secret;
  }

  private async readSecret(): Promise<string> {
    const credential = this.credential;
    let secret: unknown;
    if (credential.kind === 'secret') return credential.secret;
    if (credential.kind === 'secret-file') {
      try {
        secret = (await readFile(credential.path, 'utf8')).trim();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'read error';
        throw new ClientCredentialsUnavailableError(
          `Cannot read the client secret file ${credential.path} (${code})`,
        );
      }
    } else if (credential.kind === 'secret-provider') {
      try {
        secret = await credential.provide();
      } catch (error) {
        throw new ClientCredentialsUnavailableError('clientSecretProvider failed', {
          cause: error,
        });
      }
    }
    if (typeof secret !== 'string' || secret === '') {
      throw new ClientCredentialsUnavailableError(
        credential.kind === 'secret-file'
          ? `The client secret file ${credential.path} is empty`
          : 'clientSecretProvider returned no secret',
      );
    }
    return secret;
  }

  private async assertion(
    credential: Extract<ServiceTokenCredential, { kind: 'private-key' }>,
  ): Promise<string> {
    this.#key ??= importKey(credential.key, credential.algorithm);
    const now = Math.floor(Date.now() / 1000);
    let key: CryptoKey | KeyObject;
    try {
      key = await this.#key;
    } catch (error) {
      this.#key = undefined;
      throw new ClientCredentialsUnavailableError(
        `The private key cannot be used with ${credential.algorithm}`,
        { cause: error },
      );
    }
    return new SignJWT({})
      .setProtectedHeader({ alg: credential.algorithm, typ: 'JWT', kid: credential.keyId })
      .setIssuer(this.clientId)
      .setSubject(this.clientId)
      .setAudience(credential.audience)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + ASSERTION_LIFETIME_SECONDS)
      .sign(key);
  }
}

function importKey(
  key: string | KeyObject | JWK,
  algorithm: string,
): Promise<CryptoKey | KeyObject> {
  if (typeof key === 'string') return importPKCS8(key, algorithm);
  if ('kty' in key) return importJWK(key, algorithm) as Promise<CryptoKey>;
  return Promise.resolve(key as KeyObject);
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
