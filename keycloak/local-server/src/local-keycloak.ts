import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { discoveryDocument } from './discovery.js';
import { handleIntrospection } from './introspection-endpoint.js';
import { claimedClientId } from './client-authentication.js';
import { loadRealmKeys, saveKeyFile } from './key-file.js';
import {
  METHOD_NOT_ALLOWED,
  NO_STORE_HEADERS,
  NOT_FOUND,
  NOT_FOUND_IN_REALM,
  readForm,
  realmNotFound,
  SECURITY_HEADERS,
  sendError,
  sendJson,
} from './http-io.js';
import type {
  LocalKeycloak,
  LocalKeycloakOptions,
  LocalKeycloakStats,
} from './local-keycloak.options.js';
import { LocalKeycloakConfigError } from './local-keycloak.errors.js';
import { OAuthError } from './oauth-error.js';
import { buildRealm, type Realm } from './realm-model.js';
import { loadRealmSource, type LoadedRealmSource } from './realm-loader.js';
import type { RealmKeys } from './realm-keys.js';
import type { EndpointRequest, RealmRuntime } from './realm-runtime.js';
import { handleRevocation } from './revocation-endpoint.js';
import { handleTokenRequest } from './token-endpoint.js';
import { unemulatedFeatures } from './unemulated-features.js';

/** The repository's realm file, served when no `realms` option is given. */
export const DEFAULT_REALM_FILE = join(__dirname, '..', '..', 'techstore-realm.json');

const OIDC = '/protocol/openid-connect';

function validateOptions(options: LocalKeycloakOptions): string[] {
  const problems: string[] = [];
  const { port, host, realms, frontendUrl, keyFile, log, clock, env } = options;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    problems.push('port must be an integer from 0 to 65535');
  }
  if (host !== undefined && (typeof host !== 'string' || host === ''))
    problems.push('host must be a non-empty string');
  if (realms !== undefined && (!Array.isArray(realms) || realms.length === 0)) {
    problems.push('realms must be a non-empty array of file paths or realm objects');
  }
  if (frontendUrl !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(frontendUrl);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || frontendUrl.endsWith('/')) {
      problems.push('frontendUrl must be an http(s) URL without a trailing slash');
    }
  }
  if (keyFile !== undefined && (typeof keyFile !== 'string' || keyFile === ''))
    problems.push('keyFile must be a file path');
  if (log !== undefined && typeof log !== 'function') problems.push('log must be a function');
  if (clock !== undefined && typeof clock?.now !== 'function') {
    problems.push('clock must have now(), returning epoch milliseconds');
  }
  if (env !== undefined && (env === null || typeof env !== 'object'))
    problems.push('env must be an object');
  return problems;
}

async function loadRealms(options: LocalKeycloakOptions): Promise<LoadedRealmSource[]> {
  const env = options.env ?? process.env;
  const loaded = await Promise.all(
    (options.realms ?? [DEFAULT_REALM_FILE]).map((source, index) =>
      loadRealmSource(source, index, env),
    ),
  );
  const problems = loaded.filter((entry): entry is string => typeof entry === 'string');
  const realms = loaded.filter((entry): entry is LoadedRealmSource => typeof entry !== 'string');
  const names = realms.map((realm) => realm.representation.realm);
  for (const name of new Set(names)) {
    if (names.indexOf(name) !== names.lastIndexOf(name))
      problems.push(`realm "${name}" is loaded twice`);
  }
  if (problems.length > 0) throw new LocalKeycloakConfigError(problems);
  return realms;
}

function warnings(realm: LoadedRealmSource, model: Realm): string[] {
  const name = realm.representation.realm ?? '';
  const lines: string[] = [];
  const features = unemulatedFeatures(realm.representation);
  const disabledUsers = model.users.filter((user) => !user.enabled).map((user) => user.username);
  if (disabledUsers.length > 0) {
    features.unshift(`users without "enabled": true are disabled (${disabledUsers.join(', ')})`);
  }
  if (!model.enabled) {
    features.unshift(
      'the realm has no "enabled": true, so token requests get 403 "Realm not enabled"',
    );
  }
  if (model.undefinedRoles.length > 0) {
    features.unshift(
      `undefined roles ${model.undefinedRoles.join(', ')} are ignored (Keycloak refuses this import)`,
    );
  }
  if (realm.importProblem) features.unshift(realm.importProblem);
  if (features.length > 0) {
    lines.push(
      `[keycloak-local] realm "${name}" (${realm.source}): accepted, but not as Keycloak 26 would: ${features.join('; ')}`,
    );
  }
  if (realm.unresolved.length > 0) {
    lines.push(
      `[keycloak-local] realm "${name}": unset variables kept as literal \${…} text: ${realm.unresolved.join(', ')}`,
    );
  }
  return lines;
}

const hostForUrl = (host: string) =>
  ['127.0.0.1', '0.0.0.0', '::', 'localhost'].includes(host)
    ? 'localhost'
    : host.includes(':')
      ? `[${host}]`
      : host;

const remoteAddress = (request: IncomingMessage) =>
  (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');

const emptyStats = (): LocalKeycloakStats => ({
  tokenRequests: 0,
  tokenRequestsByClient: {},
  tokenRequestsByGrant: {},
  certsRequests: 0,
});

/**
 * Starts an HTTP server that answers like Keycloak 26 for the loaded realms: discovery, token
 * (client_credentials, password), certs, introspection, revocation; everything else 404.
 */
export async function startLocalKeycloak(
  options: LocalKeycloakOptions = {},
): Promise<LocalKeycloak> {
  const problems = validateOptions(options);
  if (problems.length > 0) throw new LocalKeycloakConfigError(problems);
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const clock = options.clock ?? { now: Date.now };
  const sources = await loadRealms(options);
  const names = sources.map((source) => source.representation.realm ?? '');
  const keys = await loadRealmKeys(names, options.keyFile);
  const runtimes = new Map<string, RealmRuntime>(
    sources.map((source, index) => [
      names[index],
      {
        realm: buildRealm(source.representation),
        keys: keys.get(names[index]) as RealmKeys,
        revokedTokens: new Map(),
        usedAssertions: new Map(),
        remoteKeySets: new Map(),
      },
    ]),
  );
  sources.forEach((source, index) =>
    warnings(source, (runtimes.get(names[index]) as RealmRuntime).realm).forEach((line) =>
      log(line),
    ),
  );

  let stats = emptyStats();
  let frontendUrl = options.frontendUrl ?? '';
  let baseUrl = '';
  const issuerOf = (realm: string) => `${frontendUrl}/realms/${encodeURIComponent(realm)}`;

  const endpointRequest = async (
    request: IncomingMessage,
    runtime: RealmRuntime,
    backchannel: string,
  ): Promise<EndpointRequest> => ({
    runtime,
    form: await readForm(request),
    authorization: request.headers.authorization,
    issuer: issuerOf(runtime.realm.name),
    realmUrl: backchannel,
    clientAddress: remoteAddress(request),
    now: Math.floor(clock.now() / 1000),
  });

  type Handler = (
    request: IncomingMessage,
    response: ServerResponse,
    runtime: RealmRuntime,
    backchannel: string,
  ) => void | Promise<void>;
  const oauthHeaders = { ...SECURITY_HEADERS, ...NO_STORE_HEADERS };
  const noCache: Record<string, string> = { ...SECURITY_HEADERS, 'Cache-Control': 'no-cache' };

  const discovery: Handler = (_request, response, runtime, backchannel) => {
    sendJson(
      response,
      200,
      discoveryDocument(issuerOf(runtime.realm.name), backchannel, runtime.realm.metadataScopes),
      { ...SECURITY_HEADERS, 'Cache-Control': 'no-cache, must-revalidate, no-transform, no-store' },
    );
  };

  const routes: Record<string, Partial<Record<string, Handler>>> = {
    '': {
      GET: (_request, response, runtime) => {
        const key = runtime.keys.activeSigningKey.publicKey.export({ type: 'spki', format: 'der' });
        const issuer = issuerOf(runtime.realm.name);
        sendJson(
          response,
          200,
          {
            realm: runtime.realm.name,
            public_key: key.toString('base64'),
            'token-service': `${issuer}${OIDC}`,
            'account-service': `${issuer}/account`,
            'tokens-not-before': runtime.realm.notBefore,
          },
          noCache,
          'application/json;charset=UTF-8',
        );
      },
    },
    '/.well-known/openid-configuration': { GET: discovery },
    '/.well-known/oauth-authorization-server': { GET: discovery },
    [`${OIDC}/certs`]: {
      GET: (request, response, runtime) => {
        stats.certsRequests += 1;
        // Asked for exactly application/jwk-set+json, Keycloak 26.6 answers in that media type
        // and, measured, without X-Frame-Options.
        if (request.headers.accept === 'application/jwk-set+json') {
          const { 'X-Frame-Options': _frames, ...headers } = noCache;
          return sendJson(response, 200, runtime.keys.jwks(), headers, 'application/jwk-set+json');
        }
        sendJson(response, 200, runtime.keys.jwks(), noCache);
      },
    },
    [`${OIDC}/token`]: {
      POST: async (request, response, runtime, backchannel) => {
        stats.tokenRequests += 1;
        try {
          const endpoint = await endpointRequest(request, runtime, backchannel);
          const clientId = claimedClientId(endpoint);
          if (clientId !== undefined) {
            stats.tokenRequestsByClient[clientId] =
              (stats.tokenRequestsByClient[clientId] ?? 0) + 1;
          }
          const grant = endpoint.form.get('grant_type') ?? '';
          stats.tokenRequestsByGrant[grant] = (stats.tokenRequestsByGrant[grant] ?? 0) + 1;
          sendJson(response, 200, await handleTokenRequest(endpoint), oauthHeaders);
        } catch (error) {
          if (error instanceof OAuthError) sendError(response, error, oauthHeaders);
          else throw error;
        }
      },
    },
    [`${OIDC}/token/introspect`]: {
      POST: async (request, response, runtime, backchannel) => {
        const endpoint = await endpointRequest(request, runtime, backchannel);
        sendJson(response, 200, await handleIntrospection(endpoint), noCache);
      },
    },
    [`${OIDC}/revoke`]: {
      POST: async (request, response, runtime, backchannel) => {
        const outcome = await handleRevocation(
          await endpointRequest(request, runtime, backchannel),
        );
        if (outcome === 'invalid token') {
          // Keycloak 26.6 answers 200 with an error body for a token it cannot read.
          return sendJson(
            response,
            200,
            { error: 'invalid_token', error_description: 'Invalid token' },
            SECURITY_HEADERS,
          );
        }
        response.writeHead(200, {
          ...SECURITY_HEADERS,
          'Content-Security-Policy': "frame-src 'self'; frame-ancestors 'self'; object-src 'none';",
          'Content-Length': 0,
        });
        response.end();
      },
    },
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://local').pathname;
    const match = /^\/realms\/([^/]+)(\/.*)?$/.exec(path);
    if (!match) return sendError(response, NOT_FOUND);
    const runtime = runtimes.get(decodeURIComponent(match[1]));
    if (!runtime) return sendError(response, realmNotFound(), SECURITY_HEADERS);
    const route = routes[match[2] ?? ''];
    if (!route) return sendError(response, NOT_FOUND_IN_REALM, SECURITY_HEADERS);
    const handler = route[request.method ?? 'GET'];
    if (!handler) return sendError(response, METHOD_NOT_ALLOWED, SECURITY_HEADERS);
    const backchannel = `http://${request.headers.host ?? new URL(baseUrl).host}/realms/${match[1]}`;
    await handler(request, response, runtime, backchannel);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      if (error instanceof OAuthError) return sendError(response, error, SECURITY_HEADERS);
      log(`[keycloak-local] internal error: ${(error as Error).name}`);
      sendJson(response, 500, { error: 'unknown_error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${hostForUrl(options.host ?? '127.0.0.1')}:${port}`;
  frontendUrl = options.frontendUrl ?? baseUrl;
  const defaultRealm = names[0];
  let stopping: Promise<void> | undefined;

  return {
    url: baseUrl,
    port,
    issuer: (realm = defaultRealm) => issuerOf(realm),
    realmUrl: (realm = defaultRealm) => `${baseUrl}/realms/${encodeURIComponent(realm)}`,
    get stats() {
      return stats;
    },
    resetStats: () => {
      stats = emptyStats();
    },
    rotateKeys: async (realm = defaultRealm, { dropOld = false } = {}) => {
      const runtime = runtimes.get(realm);
      if (!runtime) throw new LocalKeycloakConfigError([`unknown realm "${realm}"`]);
      await runtime.keys.rotate(realm, dropOld);
      if (options.keyFile) {
        await saveKeyFile(
          options.keyFile,
          new Map([...runtimes].map(([name, entry]) => [name, entry.keys])),
        );
      }
    },
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
