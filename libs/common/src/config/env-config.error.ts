/**
 * Thrown when the environment does not describe a usable configuration. The message lists every
 * problem, one per line, each naming the variable; it never contains a value, so a secret that
 * was put into the wrong variable cannot leak through it. The setup-error scheme of the auth
 * library: `<Area>ConfigError`, code `<AREA>_CONFIG_INVALID`, static as well as on the instance.
 */
export class EnvConfigError extends Error {
  static readonly code = 'ENV_CONFIG_INVALID';
  readonly code = EnvConfigError.code;

  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvConfigError';
  }
}
