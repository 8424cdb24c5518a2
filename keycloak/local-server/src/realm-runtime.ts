import type { JWTVerifyGetKey } from 'jose';
import type { Realm } from './realm-model.js';
import type { RealmKeys } from './realm-keys.js';

/** A loaded realm with its keys and the state Keycloak would keep in its database / caches. */
export interface RealmRuntime {
  realm: Realm;
  keys: RealmKeys;
  /** Revoked access tokens: `jti` → `exp` (epoch seconds). */
  revokedTokens: Map<string, number>;
  /** Client-assertion `jti`s already used: `clientId jti` → `exp`. */
  usedAssertions: Map<string, number>;
  /** Key resolvers for clients whose `private_key_jwt` keys come from `jwks.url`. */
  remoteKeySets: Map<string, JWTVerifyGetKey>;
}

/** One form-encoded request to an OIDC endpoint of a realm. */
export interface EndpointRequest {
  runtime: RealmRuntime;
  form: URLSearchParams;
  authorization?: string;
  /** Frontend issuer: `iss` of every token. */
  issuer: string;
  /** Realm URL as this caller reached it (backchannel), for assertion audiences. */
  realmUrl: string;
  clientAddress: string;
  /** Epoch seconds. */
  now: number;
}

/** Drops expired entries so the in-memory stores stay bounded. */
export function pruneExpired(store: Map<string, number>, now: number): void {
  for (const [key, exp] of store) if (exp < now) store.delete(key);
}
