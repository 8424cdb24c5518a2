/**
 * Thrown when the environment does not describe a usable configuration. The message lists every
 * problem, one per line, each naming the variable; it never contains a value, so a secret that
 * was put into the wrong variable cannot leak through it.
 */
export class ConfigValidationError extends Error {
  readonly code = 'CONFIG_INVALID';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}
