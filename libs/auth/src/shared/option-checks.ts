import { systemClock, type Clock } from './clock.js';
import { isHttpUrl } from './http-url.js';
import { keycloakEndpoints, type KeycloakEndpoints } from './keycloak-endpoints.js';

/*
 * The checks both halves run on their options (ADR 0017). Each appends `<option>: <what is
 * wrong>` to `problems` and returns a usable value, so that one setup error lists every problem
 * at once; none quotes the value it refuses (it could be a secret).
 */

/** A number option (durations end in `Ms`), or its default when absent. */
export function numberOption(
  problems: string[],
  option: string,
  value: unknown,
  fallback: number,
  { min = 0, integer = false }: { min?: number; integer?: boolean } = {},
): number {
  const given = value ?? fallback;
  if (
    typeof given === 'number' &&
    Number.isFinite(given) &&
    given >= min &&
    (!integer || Number.isInteger(given))
  ) {
    return given;
  }
  problems.push(`${option}: must be ${integer ? 'an integer' : 'a finite number'} ≥ ${min}`);
  return fallback;
}

/** The endpoints of the realm at `value`, e.g. `http://keycloak:8080/realms/techstore`. */
export function realmUrlOption(
  problems: string[],
  option: string,
  value: unknown,
): KeycloakEndpoints | undefined {
  if (!isHttpUrl(value)) {
    problems.push(`${option}: must be an absolute http(s) URL ending in /realms/<realm>`);
    return undefined;
  }
  try {
    return keycloakEndpoints(value);
  } catch {
    problems.push(
      `${option}: must end in /realms/<realm>, e.g. http://keycloak:8080/realms/techstore`,
    );
    return undefined;
  }
}

/** The clock to use: the system clock unless a test gives its own. */
export function clockOption(problems: string[], value: unknown): Clock {
  if (value === undefined) return systemClock;
  const methods = ['now', 'monotonic', 'setTimeout', 'clearTimeout'] as const;
  const clock = value as Record<(typeof methods)[number], unknown> | null;
  if (
    typeof clock === 'object' &&
    clock !== null &&
    methods.every((m) => typeof clock[m] === 'function')
  ) {
    return value as Clock;
  }
  problems.push(`clock: must be a Clock (${methods.join(', ')})`);
  return systemClock;
}
