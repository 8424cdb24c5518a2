import type { KeycloakRestart } from './restart-dist-keycloak.js';

export interface DistKeycloakOptions {
  /** Keycloak's HTTP port (compose publishes 8080); default 0: a free port. */
  port?: number;
  /** The management port (health on `/health/ready`; 9000 in the image); default 0: a free port. */
  managementPort?: number;
  /** Realm files imported besides the ones compose mounts into the import directory. */
  realms?: string[];
  /**
   * Where compose's `${VAR:-default}` values, `KEYCLOAK_HOME`, `KEYCLOAK_DIST_CACHE`, `JAVA_HOME`
   * and `JAVA` are read from; default `process.env`. Keycloak itself gets only compose's
   * environment plus PATH, HOME, TMPDIR, JAVA_HOME and JAVA.
   */
  env?: Record<string, string | undefined>;
  /** Variables added to Keycloak's environment, e.g. the placeholders of extra realm files. */
  extraEnv?: Record<string, string>;
  /** The compose file whose `keycloak` service is run; default the repository's. */
  composeFile?: string;
  /** Receives Keycloak's own output, line by line; default: kept only for error messages. */
  log?: (line: string) => void;
  /** How long to wait for `/health/ready`; default 240 s (a first start builds Keycloak). */
  readyTimeoutMs?: number;
}

export interface DistKeycloak {
  /** Backchannel base URL, as the apps reach Keycloak: `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Keycloak's frontend URL (compose's `KC_HOSTNAME`, port moved): where `iss` points. */
  readonly frontendUrl: string;
  readonly port: number;
  readonly managementPort: number;
  /** The version the distribution says it is. */
  readonly version: string;
  /** The Java version it runs on. */
  readonly javaVersion: string;
  /** Milliseconds from spawning kc.sh to `/health/ready` answering 200. */
  readonly startupMs: number;
  /** Whether this start ran Keycloak's own build step (first start of a distribution). */
  readonly rebuilt: boolean;
  /** Where the distribution came from, and what fetching it cost when this start fetched it. */
  readonly distribution: {
    home: string;
    origin: 'KEYCLOAK_HOME' | 'cache' | 'maven';
    fetched?: { resolveMs: number; unpackMs: number };
  };
  /** The process group of the watchdog, kc.sh and the JVM. */
  readonly processGroup: number;
  /** `${frontendUrl}/realms/<realm>`; default realm: the first imported. */
  issuer(realm?: string): string;
  /** `${url}/realms/<realm>`: token, JWKS and introspection requests go here. */
  realmUrl(realm?: string): string;
  /** The admin console, on the frontend URL. */
  readonly adminConsoleUrl: string;
  /** The temporary admin compose creates (`KC_BOOTSTRAP_ADMIN_USERNAME` / `_PASSWORD`). */
  readonly admin: { username: string; password: string };
  /** Settles with the exit code when Keycloak has stopped, whoever stopped it. */
  readonly exited: Promise<number | null>;
  /** The last lines Keycloak wrote (for error messages). */
  output(): string;
  /**
   * Restarts Keycloak with its data kept (Linux): SIGTERM, or SIGKILL as in a crash; resolves
   * when it is ready again (restartDistKeycloak).
   */
  restart(signal: 'SIGTERM' | 'SIGKILL'): Promise<KeycloakRestart>;
  /** Stops Keycloak (SIGTERM, SIGKILL after a grace period) and removes its data; idempotent. */
  stop(): Promise<void>;
}
