import { X509Certificate } from 'node:crypto';

/** Where a server is reached (backchannel) and what it calls itself (frontend, in `iss`). */
export interface ServerUrls {
  url: string;
  frontendUrl: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const JWT = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const BASE64 = /^[A-Za-z0-9+/]+=*$/;
/** Members whose values are random per server (ids, key material): compared by shape only. */
const SHAPED = new Set([
  'kid',
  'n',
  'x5t',
  'x5t#S256',
  'at_hash',
  'sid',
  'session_state',
  'public_key',
  'access_token_hash',
]);
const EPOCH = new Set(['exp', 'iat', 'auth_time', 'nbf']);

/** The shape of a random value: `{uuid}`, `{b64url:43}`, `{base64:392}`, `{text:24}`. */
export function shapeOf(value: string): string {
  if (UUID.test(value)) return '{uuid}';
  if (BASE64URL.test(value)) return `{b64url:${value.length}}`;
  if (BASE64.test(value)) return `{base64:${value.length}}`;
  return `{text:${value.length}}`;
}

function certificateSummary(base64: string): unknown {
  try {
    const certificate = new X509Certificate(Buffer.from(base64, 'base64'));
    const days = (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / 86_400_000;
    return {
      subject: certificate.subject,
      issuer: certificate.issuer,
      validDays: Math.round(days),
      selfSigned: certificate.verify(certificate.publicKey),
      keyType: certificate.publicKey.asymmetricKeyType,
      modulusBits: certificate.publicKey.asymmetricKeyDetails?.modulusLength,
      serialNumberShape: `{hex:${certificate.serialNumber.length}}`,
      ca: certificate.ca,
    };
  } catch {
    return shapeOf(base64);
  }
}

/**
 * A server's answer made comparable with another server's: its own URLs become `{frontend}` and
 * `{backchannel}`, JWTs are decoded (header bytes and claims), random values become their shape,
 * timestamps become offsets (`iat+300`) and certificates a summary of what they say. Member order
 * is kept, so a comparison also sees order.
 */
export class Normalizer {
  constructor(
    private readonly urls: ServerUrls,
    private readonly now = Math.floor(Date.now() / 1000),
  ) {}

  text(value: string): string {
    return value
      .split(this.urls.frontendUrl)
      .join('{frontend}')
      .split(this.urls.url)
      .join('{backchannel}');
  }

  jwt(token: string): unknown {
    const [header, payload, signature] = token.split('.');
    const headerText = Buffer.from(header, 'base64url').toString('utf8');
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      claims = shapeOf(payload);
    }
    const kid = /"kid" ?: ?"([^"]*)"/.exec(headerText)?.[1];
    return {
      $jwt: {
        header: kid === undefined ? headerText : headerText.replace(kid, shapeOf(kid)),
        claims: this.value(claims),
        signature: signature ? shapeOf(signature) : '',
      },
    };
  }

  /**
   * `expires_in` as the token's lifetime: Keycloak computes it from the clock after signing, so
   * it is one second short when a second boundary passes in between.
   */
  private expiresIn(value: number, token: unknown): unknown {
    if (typeof token !== 'string' || !JWT.test(token)) return value;
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as {
      exp?: number;
      iat?: number;
    };
    if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') return value;
    const lifetime = claims.exp - claims.iat;
    return value === lifetime || value === lifetime - 1 ? 'exp-iat' : value;
  }

  value(input: unknown, key = ''): unknown {
    if (typeof input === 'string') {
      if (JWT.test(input)) return this.jwt(input);
      if (key === 'x5c') return certificateSummary(input);
      if (SHAPED.has(key)) return shapeOf(input);
      const jti = /^([a-z]+):(.+)$/.exec(input);
      if (key === 'jti' && jti) return `${jti[1]}:${shapeOf(jti[2])}`;
      if (UUID.test(input)) return '{uuid}';
      // Keycloak orders scope names by the random ids of its client scopes: compared as a set.
      if (key === 'scope') return input.split(' ').filter(Boolean).sort().join(' ');
      return this.text(input);
    }
    if (Array.isArray(input)) {
      return input.map((item) => this.value(item, key === 'x5c' ? 'x5c' : ''));
    }
    if (input !== null && typeof input === 'object') {
      const record = input as Record<string, unknown>;
      const iat = typeof record.iat === 'number' ? record.iat : undefined;
      return Object.fromEntries(
        Object.entries(record).map(([name, child]) => {
          if (name === 'expires_in' && typeof child === 'number') {
            return [name, this.expiresIn(child, record.access_token)];
          }
          if (EPOCH.has(name) && typeof child === 'number') {
            if (name === 'iat') return [name, Math.abs(child - this.now) < 300 ? '{now}' : child];
            if (iat !== undefined) return [name, `iat${child - iat >= 0 ? '+' : ''}${child - iat}`];
            return [name, Math.abs(child - this.now) < 300 ? '{now}' : child];
          }
          return [name, this.value(child, name)];
        }),
      );
    }
    return input;
  }
}
