import type { ClientAuthentication } from './client-authentication.js';
import type { ResolvedServiceTokenOptions } from './service-token.options.js';
import {
  TokenEndpointError,
  TokenEndpointUnreachableError,
  TokenResponseInvalidError,
} from './service-token.errors.js';
import { tokenLifetimeSeconds, type LifetimeSource } from './token-lifetime.js';

/** One successful answer of the token endpoint. */
export interface TokenGrant {
  accessToken: string;
  lifetimeMs: number;
  lifetimeSource: LifetimeSource;
  /** Monotonic time at which the request was sent: the token's lifetime counts from here. */
  sentAt: number;
  status: number;
}

const JWT_LIKE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const OAUTH_ERROR_CODE = /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

/**
 * One HTTP attempt at the token endpoint (`grant_type=client_credentials`, form-encoded), mapped
 * to a `TokenGrant` or to a typed error. Retries live in the caller of this class.
 */
export class TokenEndpointClient {
  constructor(
    private readonly options: ResolvedServiceTokenOptions,
    private readonly auth: ClientAuthentication,
  ) {}

  async request(scope: string, timeoutMs: number): Promise<TokenGrant> {
    const { clock, tokenEndpoint } = this.options;
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) body.set('scope', scope);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    await this.auth.apply(headers, body);

    const controller = new AbortController();
    const timer = clock.setTimeout(() => controller.abort(), timeoutMs);
    const sentAt = clock.monotonic();
    let status: number;
    let responseHeaders: Headers;
    let text: string;
    try {
      const response = await fetch(tokenEndpoint, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: controller.signal,
      });
      status = response.status;
      responseHeaders = response.headers;
      text = await response.text();
    } catch (error) {
      throw controller.signal.aborted
        ? new TokenEndpointUnreachableError('timeout', 'timeout', tokenEndpoint)
        : new TokenEndpointUnreachableError('network', networkErrorType(error), tokenEndpoint, {
            cause: redactedCause(error),
          });
    } finally {
      clock.clearTimeout(timer);
    }

    const json = parseJsonObject(text);
    if (status !== 200) {
      throw new TokenEndpointError(this.options.clientId, {
        status,
        oauthError:
          typeof json?.error === 'string' && OAUTH_ERROR_CODE.test(json.error)
            ? json.error
            : undefined,
        description: sanitizeDescription(json?.error_description),
        retryAfterMs: retryAfterMs(responseHeaders.get('retry-after')),
      });
    }
    return this.grantFrom(json, sentAt, status);
  }

  private grantFrom(
    json: Record<string, unknown> | undefined,
    sentAt: number,
    status: number,
  ): TokenGrant {
    const invalid = (what: string) =>
      new TokenResponseInvalidError(
        `Token endpoint ${this.options.tokenEndpoint} answered 200 but ${what}. Check that tokenEndpoint / realmUrl points at the OAuth token endpoint.`,
      );
    if (!json) throw invalid('the body is not a JSON object');
    const accessToken = json.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw invalid('without an access_token');
    }
    const tokenType = json.token_type;
    if (
      tokenType !== undefined &&
      !(typeof tokenType === 'string' && /^bearer$/i.test(tokenType))
    ) {
      throw invalid('with a token_type other than Bearer');
    }
    const lifetime = tokenLifetimeSeconds(
      json.expires_in,
      accessToken,
      this.options.defaultLifetimeMs / 1000,
    );
    return {
      accessToken,
      lifetimeMs: lifetime.seconds * 1000,
      lifetimeSource: lifetime.source,
      sentAt,
      status,
    };
  }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function sanitizeDescription(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(JWT_LIKE, '[redacted-jwt]').replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP-date. */
export function retryAfterMs(value: string | null, nowMs = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function networkErrorType(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; name?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.name === 'string') return cause.name;
  return error instanceof Error ? error.name : 'network';
}

/** Keeps the network error's code and message; request options (with credentials) stay out. */
function redactedCause(error: unknown): Error {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  const source = cause instanceof Error ? cause : error instanceof Error ? error : undefined;
  return new Error(source ? `${source.name}: ${source.message}` : 'network error');
}
