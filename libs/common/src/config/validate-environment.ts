import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EnvConfigError } from './env-config.error.js';
import { RENAMED_VARIABLES } from './renamed-variables.js';

/** A variable a rename of the pair retired is set: refused, naming the one to use instead. */
export function retiredVariableProblems(
  env: Record<string, string | undefined>,
  renamed: Readonly<Record<string, string>> = RENAMED_VARIABLES,
): string[] {
  return Object.entries(renamed)
    .filter(([old]) => env[old] !== undefined && env[old] !== '')
    .map(([old, now]) => `${old}: no longer read since the pair was renamed; set ${now} instead`);
}

/**
 * Maps `process.env` onto an environment class and validates it with its class-validator
 * decorators; variables the class does not declare are ignored. Empty strings count as unset, so `FOO=` falls back to the default like a missing
 * variable does. A variable a rename of the pair retired (RENAMED_VARIABLES) is refused, naming
 * its successor. Every problem is reported at once, by variable name and never by value.
 */
export function validateEnvironment<T extends object>(
  environmentClass: ClassConstructor<T>,
  env: Record<string, string | undefined>,
  extraChecks: (config: T) => string[] = () => [],
): T {
  // Every variable is a property with an initializer (`= undefined` when it has no default),
  // so a fresh instance names exactly the variables this class reads.
  const plain: Record<string, string> = {};
  for (const key of Object.keys(new environmentClass())) {
    const value = env[key];
    if (value !== undefined && value !== '') plain[key] = value;
  }
  const config = plainToInstance(environmentClass, plain);
  const problems = validateSync(config, {
    skipMissingProperties: false,
    forbidUnknownValues: false,
    whitelist: false,
    validationError: { target: false, value: false },
  }).flatMap(describe);
  problems.push(...retiredVariableProblems(env), ...extraChecks(config));
  if (problems.length > 0) throw new EnvConfigError(problems);
  return config;
}

function describe(error: ValidationError): string[] {
  const messages = Object.values(error.constraints ?? {});
  return messages.length > 0 ? [`${error.property}: ${messages[0]}`] : [];
}
