import { generateKeyPair, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';

/** What the fake endpoint answers to one token request. */
export type FakeTokenReply =
  | {
      kind: 'token';
      /** `expires_in`; `null` leaves it out. Default 300 (Keycloak's default lifespan). */
      expiresIn?: number | null;
      /** `exp − iat` of the JWT; default `expiresIn` (or 300). */
      jwtLifetimeSeconds?: number;
      /** Extra or overriding JWT claims. */
      claims?: Record<string, unknown>;
      /** Replaces the JWT with this opaque value. */
      accessToken?: string;
      tokenType?: string;
    }
  | {
      kind: 'error';
      status: number;
      error?: string;
      errorDescription?: string;
      /** `Retry-After` header value (seconds or an HTTP date). */
      retryAfter?: string;
      /** Sent instead of the OAuth JSON error body. */
      rawBody?: string;
    }
  /** Never answers until the client gives up (or `releaseHung()`). */
  | { kind: 'hang' }
  /** Destroys the connection without an answer. */
  | { kind: 'drop' };

export const tokenReply = (
  options: Omit<Extract<FakeTokenReply, { kind: 'token' }>, 'kind'> = {},
): FakeTokenReply => ({ kind: 'token', ...options });

/** Keycloak 26's answers, status, `error` and `error_description` exact. */
export const keycloakTokenErrors = {
  /** Wrong client secret. */
  wrongSecret: {
    kind: 'error',
    status: 401,
    error: 'unauthorized_client',
    errorDescription: 'Invalid client or Invalid client credentials',
  },
  /** Unknown or disabled client. */
  unknownClient: {
    kind: 'error',
    status: 401,
    error: 'invalid_client',
    errorDescription: 'Invalid client or Invalid client credentials',
  },
  serviceAccountsDisabled: {
    kind: 'error',
    status: 401,
    error: 'unauthorized_client',
    errorDescription: 'Client not enabled to retrieve service account',
  },
  invalidScope: (scope: string): FakeTokenReply => ({
    kind: 'error',
    status: 400,
    error: 'invalid_scope',
    errorDescription: `Invalid scopes: ${scope}`,
  }),
  httpsRequired: {
    kind: 'error',
    status: 403,
    error: 'invalid_request',
    errorDescription: 'HTTPS required',
  },
  tooManyRequests: (retryAfterSeconds?: number): FakeTokenReply => ({
    kind: 'error',
    status: 429,
    retryAfter: retryAfterSeconds === undefined ? undefined : String(retryAfterSeconds),
    rawBody: '',
  }),
  unavailable: (retryAfterSeconds?: number): FakeTokenReply => ({
    kind: 'error',
    status: 503,
    retryAfter: retryAfterSeconds === undefined ? undefined : String(retryAfterSeconds),
    rawBody: '<html><body>Service Unavailable</body></html>',
  }),
} as const satisfies Record<string, FakeTokenReply | ((...args: never[]) => FakeTokenReply)>;

/** One request the endpoint received, credentials decoded as Keycloak decodes them. */
export interface FakeTokenRequest {
  path: string;
  headers: IncomingHttpHeaders;
  form: URLSearchParams;
  authMethod: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
  clientId?: string;
  clientSecret?: string;
}

export interface FakeTokenEndpointOptions {
  /** clientId → secret. When set, credentials are checked first, with Keycloak's errors. */
  clients?: Record<string, string>;
  /** Answer when the queue is empty; default a 300 s token. */
  defaultReply?: FakeTokenReply;
}

export interface FakeTokenEndpoint {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `<url>/realms/test`: pass as `realmUrl`. */
  readonly realmUrl: string;
  /** `<realmUrl>/protocol/openid-connect/token`. */
  readonly tokenEndpoint: string;
  readonly requests: readonly FakeTokenRequest[];
  /** Access tokens issued so far, in order. */
  readonly issued: readonly string[];
  /** Answers for the next requests, in order; then the default. */
  enqueue(...replies: FakeTokenReply[]): void;
  setDefaultReply(reply: FakeTokenReply): void;
  setClientSecret(clientId: string, secret: string): void;
  /** Resolves once `count` requests have arrived in total. */
  waitForRequests(count: number): Promise<void>;
  /** Answers every hung request with 503. */
  releaseHung(): void;
  close(): Promise<void>;
}

const TOKEN_PATH = '/realms/test/protocol/openid-connect/token';
let signingKey: Promise<KeyObject> | undefined;

/**
 * A real local HTTP token endpoint (127.0.0.1, free port) with Keycloak's response shapes, for
 * failure tests: scripted replies (tokens with any lifetime, OAuth errors, 429/503 with
 * Retry-After, hangs, dropped connections) and a record of every request.
 */
export async function startFakeTokenEndpoint(
  options: FakeTokenEndpointOptions = {},
): Promise<FakeTokenEndpoint> {
  signingKey ??= promisify(generateKeyPair)('rsa', { modulusLength: 2048 }).then(
    (pair) => pair.privateKey,
  );
  const key = await signingKey;
  const clients = options.clients ? { ...options.clients } : undefined;
  let defaultReply: FakeTokenReply = options.defaultReply ?? tokenReply();
  const queue: FakeTokenReply[] = [];
  const requests: FakeTokenRequest[] = [];
  const issued: string[] = [];
  const hung = new Set<ServerResponse>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let realmUrl = '';

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== TOKEN_PATH) {
        res.writeHead(404, { 'content-type': 'text/html' }).end('<html>Not Found</html>');
        return;
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const request = describe(req.url, req.headers, form);
      requests.push(request);
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      const reply = credentialsProblem(request) ?? queue.shift() ?? defaultReply;
      void answer(reply, request, res);
    });
  });

  function credentialsProblem(request: FakeTokenRequest): FakeTokenReply | undefined {
    if (request.form.get('grant_type') !== 'client_credentials') {
      return {
        kind: 'error',
        status: 400,
        error: request.form.has('grant_type') ? 'unsupported_grant_type' : 'invalid_request',
        errorDescription: request.form.has('grant_type')
          ? 'Unsupported grant_type'
          : 'Missing form parameter: grant_type',
      };
    }
    if (!clients || request.authMethod === 'private_key_jwt') return undefined;
    if (request.clientId === undefined || !(request.clientId in clients)) {
      return keycloakTokenErrors.unknownClient;
    }
    return clients[request.clientId] === request.clientSecret
      ? undefined
      : keycloakTokenErrors.wrongSecret;
  }

  async function answer(reply: FakeTokenReply, request: FakeTokenRequest, res: ServerResponse) {
    const headers = {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      pragma: 'no-cache',
    };
    switch (reply.kind) {
      case 'hang':
        hung.add(res);
        res.on('close', () => hung.delete(res));
        return;
      case 'drop':
        res.socket?.destroy();
        return;
      case 'error':
        res
          .writeHead(reply.status, {
            ...headers,
            ...(reply.rawBody !== undefined ? { 'content-type': 'text/html' } : {}),
            ...(reply.retryAfter !== undefined ? { 'retry-after': reply.retryAfter } : {}),
          })
          .end(
            reply.rawBody ??
              JSON.stringify({ error: reply.error, error_description: reply.errorDescription }),
          );
        return;
      case 'token': {
        const accessToken = reply.accessToken ?? (await sign(reply, request));
        issued.push(accessToken);
        const body: Record<string, unknown> = { access_token: accessToken };
        const expiresIn = reply.expiresIn === undefined ? 300 : reply.expiresIn;
        if (expiresIn !== null) body.expires_in = expiresIn;
        Object.assign(body, {
          refresh_expires_in: 0,
          token_type: reply.tokenType ?? 'Bearer',
          'not-before-policy': 0,
          scope: request.form.get('scope') ?? 'profile email',
        });
        res.writeHead(200, headers).end(JSON.stringify(body));
        return;
      }
    }
  }

  function sign(reply: Extract<FakeTokenReply, { kind: 'token' }>, request: FakeTokenRequest) {
    const lifetime = reply.jwtLifetimeSeconds ?? reply.expiresIn ?? 300;
    const iat = Math.floor(Date.now() / 1000);
    return new SignJWT({
      typ: 'Bearer',
      azp: request.clientId,
      scope: request.form.get('scope') ?? 'profile email',
      ...reply.claims,
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'fake-token-endpoint' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + lifetime)
      .setJti(`trrtcc:${randomUUID()}`)
      .setIssuer(realmUrl)
      .setSubject(randomUUID())
      .sign(key);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  realmUrl = `${url}/realms/test`;

  return {
    url,
    realmUrl,
    tokenEndpoint: `${url}${TOKEN_PATH}`,
    requests,
    issued,
    enqueue: (...replies) => queue.push(...replies),
    setDefaultReply: (reply) => {
      defaultReply = reply;
    },
    setClientSecret: (clientId, secret) => {
      if (clients) clients[clientId] = secret;
    },
    waitForRequests: (count) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
    releaseHung: () => {
      for (const res of hung) res.writeHead(503).end();
      hung.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function describe(path: string, headers: IncomingHttpHeaders, form: URLSearchParams) {
  const request: FakeTokenRequest = { path, headers, form, authMethod: 'none' };
  const basic = /^Basic (.+)$/i.exec(headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    request.authMethod = 'client_secret_basic';
    request.clientId = formDecode(decoded.slice(0, colon));
    request.clientSecret = formDecode(decoded.slice(colon + 1));
  } else if (form.has('client_assertion')) {
    request.authMethod = 'private_key_jwt';
    request.clientId = form.get('client_id') ?? undefined;
  } else if (form.has('client_secret')) {
    request.authMethod = 'client_secret_post';
    request.clientId = form.get('client_id') ?? undefined;
    request.clientSecret = form.get('client_secret') ?? undefined;
  } else {
    request.clientId = form.get('client_id') ?? undefined;
  }
  return request;
}

/** RFC 6749 §2.3.1 / application/x-www-form-urlencoded decoding, as Keycloak does for Basic. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
