import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { selfSignedCertificate } from './self-signed-certificate.js';

const generateRsaKeyPair = promisify(generateKeyPair);

/** One RSA key of a realm, as Keycloak's `rsa-generated` / `rsa-enc-generated` providers hold it. */
export interface RealmKey {
  kid: string;
  use: 'sig' | 'enc';
  alg: 'RS256' | 'RSA-OAEP';
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Base64 DER of the self-signed certificate (`CN=<realm>`). */
  certificate: string;
}

/** A private JWK as stored in a key file: the key plus `kid`, `use`, `alg` and `x5c`. */
export interface StoredKey {
  kid: string;
  use: 'sig' | 'enc';
  alg: 'RS256' | 'RSA-OAEP';
  x5c: string[];
  [member: string]: unknown;
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/** Keycloak's `KeyUtils.createKeyId`: base64url SHA-256 of the DER public key, 43 characters. */
export function keyId(publicKey: KeyObject): string {
  return base64url(
    createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest(),
  );
}

export async function generateRealmKey(realm: string, use: 'sig' | 'enc'): Promise<RealmKey> {
  const { publicKey, privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  return {
    kid: keyId(publicKey),
    use,
    alg: use === 'sig' ? 'RS256' : 'RSA-OAEP',
    privateKey,
    publicKey,
    certificate: selfSignedCertificate(realm, publicKey, privateKey).toString('base64'),
  };
}

export function storeKey(key: RealmKey): StoredKey {
  return {
    ...key.privateKey.export({ format: 'jwk' }),
    kid: key.kid,
    use: key.use,
    alg: key.alg,
    x5c: [key.certificate],
  };
}

export function restoreKey(stored: StoredKey): RealmKey {
  const { kid, use, alg, x5c, ...jwk } = stored;
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  return { kid, use, alg, privateKey, publicKey: createPublicKey(privateKey), certificate: x5c[0] };
}

/** The public JWK Keycloak publishes for a key (facts §4.1; 2025-era member order). */
export function publicJwk(key: RealmKey): Record<string, unknown> {
  const { n, e } = key.publicKey.export({ format: 'jwk' });
  const certificate = Buffer.from(key.certificate, 'base64');
  return {
    kid: key.kid,
    kty: 'RSA',
    alg: key.alg,
    use: key.use,
    x5c: [key.certificate],
    x5t: base64url(createHash('sha1').update(certificate).digest()),
    'x5t#S256': base64url(createHash('sha256').update(certificate).digest()),
    n,
    e,
  };
}

/**
 * The keys of one realm: signing keys newest first (the first is active, the others are
 * passive: still published and still accepted, like Keycloak after a rotation) and one
 * encryption key.
 */
export class RealmKeys {
  constructor(
    private signing: RealmKey[],
    private readonly encryption: RealmKey,
  ) {}

  static async generate(realm: string): Promise<RealmKeys> {
    const [signing, encryption] = await Promise.all([
      generateRealmKey(realm, 'sig'),
      generateRealmKey(realm, 'enc'),
    ]);
    return new RealmKeys([signing], encryption);
  }

  static restore(stored: StoredKey[]): RealmKeys | undefined {
    const keys = stored.map(restoreKey);
    const signing = keys.filter((key) => key.use === 'sig');
    const encryption = keys.find((key) => key.use === 'enc');
    return signing.length > 0 && encryption ? new RealmKeys(signing, encryption) : undefined;
  }

  get activeSigningKey(): RealmKey {
    return this.signing[0];
  }

  signingKey(kid: string): RealmKey | undefined {
    return this.signing.find((key) => key.kid === kid);
  }

  async rotate(realm: string, dropOld: boolean): Promise<void> {
    const next = await generateRealmKey(realm, 'sig');
    this.signing = dropOld ? [next] : [next, ...this.signing];
  }

  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: [this.encryption, ...this.signing].map(publicJwk) };
  }

  store(): StoredKey[] {
    return [...this.signing, this.encryption].map(storeKey);
  }
}
