/** What it takes to restart a Keycloak started by startDistKeycloak, from any process. */
export interface RestartableKeycloak {
  /** The watchdog's process id (the leader of Keycloak's process group). */
  readonly processGroup: number;
  readonly managementPort: number;
}

export interface KeycloakRestart {
  /** Milliseconds from the signal until `/health/ready` stopped answering 200. */
  readonly downAfterMs: number;
  /** Milliseconds from the signal until `/health/ready` answered 200 again. */
  readonly readyAfterMs: number;
}

async function ready(managementPort: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${managementPort}/health/ready`, {
      signal: AbortSignal.timeout(1000),
    });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Restarts Keycloak with its data kept (Linux): `SIGTERM` lets it shut down gracefully,
 * `SIGKILL` kills kc.sh and the JVM at once (a crash); either way the watchdog runs kc.sh again
 * in the same instance directory once the JVM is gone. Resolves when Keycloak is ready again.
 */
export async function restartDistKeycloak(
  keycloak: RestartableKeycloak,
  signal: 'SIGTERM' | 'SIGKILL',
  timeoutMs = 240_000,
): Promise<KeycloakRestart> {
  if (process.platform !== 'linux') {
    throw new Error('restarting Keycloak with its data kept works on Linux only');
  }
  const started = Date.now();
  process.kill(keycloak.processGroup, signal === 'SIGTERM' ? 'SIGUSR1' : 'SIGUSR2');
  let downAfterMs: number | undefined;
  while (Date.now() - started < timeoutMs) {
    const up = await ready(keycloak.managementPort);
    if (downAfterMs === undefined && !up) downAfterMs = Date.now() - started;
    if (downAfterMs !== undefined && up) return { downAfterMs, readyAfterMs: Date.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Keycloak was not ready again ${timeoutMs} ms after ${signal}`);
}
