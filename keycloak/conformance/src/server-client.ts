import { Normalizer, type ServerUrls } from './normalize.js';

/** An HTTP answer, normalized for comparison with the other server's. */
export interface Observation {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  // Parsed JSON bodies are read freely by the probes.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface Exchange {
  method?: string;
  /** Path below the server's base URL, e.g. `/realms/techstore/protocol/openid-connect/token`. */
  path: string;
  headers?: Record<string, string>;
  /** Form parameters (pairs keep duplicates); sent as application/x-www-form-urlencoded. */
  form?: Record<string, string> | Array<[string, string]>;
  /** A raw body with its own content type in `headers`. */
  body?: string;
}

/** Headers that change with every answer (or with the transport), never compared. */
const VOLATILE_HEADERS = new Set([
  'date',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
]);

export const basicAuth = (clientId: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** One server under comparison: sends exchanges, answers raw or normalized. */
export class ServerClient {
  constructor(
    readonly name: 'local' | 'keycloak',
    readonly urls: ServerUrls,
  ) {}

  issuer(realm: string): string {
    return `${this.urls.frontendUrl}/realms/${realm}`;
  }

  realmUrl(realm: string): string {
    return `${this.urls.url}/realms/${realm}`;
  }

  async raw(exchange: Exchange): Promise<RawAnswer> {
    const headers: Record<string, string> = { ...exchange.headers };
    let body = exchange.body;
    if (exchange.form) {
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
      body = new URLSearchParams(exchange.form).toString();
    }
    const response = await fetch(`${this.urls.url}${exchange.path}`, {
      method: exchange.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: Object.fromEntries(response.headers), text, json };
  }

  normalize(answer: RawAnswer): Observation {
    const normalizer = new Normalizer(this.urls);
    const headers = Object.fromEntries(
      Object.entries(answer.headers)
        .filter(([name]) => !VOLATILE_HEADERS.has(name))
        .map(([name, value]) => [name, normalizer.text(value)]),
    );
    const body =
      answer.json !== undefined ? normalizer.value(answer.json) : normalizer.text(answer.text);
    return { status: answer.status, headers, body };
  }

  async observe(exchange: Exchange): Promise<Observation> {
    return this.normalize(await this.raw(exchange));
  }
}
