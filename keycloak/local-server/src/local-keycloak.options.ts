export interface LocalKeycloakOptions {
  /** Port to listen on; default 0 (a free port). */
  port?: number;
  /** Listen address; default '127.0.0.1'. */
  host?: string;
  /** Realm files (paths) or realm representations (objects, for tests); default: [keycloak/techstore-realm.json]. */
  realms?: Array<string | Record<string, unknown>>;
  /** Source for ${VAR} placeholders; default process.env. */
  env?: Record<string, string | undefined>;
  /**
   * Fixed frontend URL (like KC_HOSTNAME=<url> + KC_HOSTNAME_BACKCHANNEL_DYNAMIC=true): iss is
   * `${frontendUrl}/realms/<realm>` whatever Host the caller used. Default `http://localhost:<port>`.
   */
  frontendUrl?: string;
  /**
   * JSON file with the realms' private JWKs. Read at start when it exists; created (mode 0600)
   * with freshly generated keys when it does not, and rewritten by `rotateKeys`, so a restart on
   * the same file publishes the same keys.
   */
  keyFile?: string;
  /** Where warnings/info lines go; default process.stderr line writer. Never receives secrets/tokens. */
  log?: (line: string) => void;
  /**
   * Time for `iat`/`exp` and every expiry check: `now()` in epoch milliseconds, as the auth
   * library's Clock reads it (a TestClock fits); default the system time.
   */
  clock?: { now(): number };
}

export interface LocalKeycloakStats {
  tokenRequests: number;
  /** Token requests per client id the request claimed (Basic, `client_id` or assertion `sub`). */
  tokenRequestsByClient: Record<string, number>;
  /** Token requests per `grant_type` value. */
  tokenRequestsByGrant: Record<string, number>;
  certsRequests: number;
}

export interface LocalKeycloak {
  /** Base URL, e.g. http://localhost:40123 (backchannel). */
  readonly url: string;
  readonly port: number;
  /** `${frontendUrl}/realms/<realm>`; default realm: the first loaded. */
  issuer(realm?: string): string;
  /** `${url}/realms/<realm>` (same as issuer by default). */
  realmUrl(realm?: string): string;
  /** Counters for tests and the demo. */
  readonly stats: LocalKeycloakStats;
  resetStats(): void;
  /** New active signing key (new kid); the old key stays published (passive) unless { dropOld: true }. */
  rotateKeys(realm?: string, options?: { dropOld?: boolean }): Promise<void>;
  /** Closes the listener and all sockets; idempotent. */
  stop(): Promise<void>;
}
