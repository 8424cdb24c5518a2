import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUrl, Matches, Max, Min } from 'class-validator';
import { TracingEnvironment } from '../tracing/tracing.environment.js';
import { IsPostgresUrl } from './is-postgres-url.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const httpUrl = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
const withoutTrailingSlash = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.replace(/\/+$/, '') : value;

/**
 * The variables both apps read (README, "Configuration"), including the `OTEL_*` variables that
 * switch tracing on and say where spans go.
 */
export class BaseEnvironment extends TracingEnvironment {
  /** Each app overrides this default with its own port. */
  @Type(() => Number)
  @IsInt({ message: 'must be an integer port number' })
  @Min(0, { message: 'must be between 0 and 65535' })
  @Max(65535, { message: 'must be between 0 and 65535' })
  PORT = 0;

  @Transform(withoutTrailingSlash)
  @IsUrl(httpUrl, { message: 'must be an absolute http(s) URL, e.g. http://localhost:8080' })
  KEYCLOAK_URL = 'http://localhost:8080';

  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    message: 'must be a realm name (letters, digits, ".", "_" or "-")',
  })
  KEYCLOAK_REALM = 'techstore';

  @Transform(withoutTrailingSlash)
  @Matches(/^(\/[A-Za-z0-9._~-]+)*$/, {
    message: 'must be empty or a path such as /auth (leading slash, no trailing slash)',
  })
  KEYCLOAK_AUTH_PATH = '';

  @IsOptional()
  @Transform(withoutTrailingSlash)
  @IsUrl(httpUrl, {
    message: 'must be an absolute http(s) URL, e.g. http://localhost:8080/realms/techstore',
  })
  KEYCLOAK_ISSUER?: string = undefined;

  /**
   * Age in seconds after which the receiver refreshes the realm's key set: a signing key deleted
   * in Keycloak is refused within twice this (ADR 0023).
   */
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(1, { message: 'must be between 1 and 300 (a deleted key is refused within twice this)' })
  @Max(300, { message: 'must be between 1 and 300 (a deleted key is refused within twice this)' })
  KEYCLOAK_JWKS_MAX_AGE_SECONDS = 30;

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  /**
   * The embedded store's folder (used when DATABASE_URL is unset), relative to the working
   * directory unless absolute; each app keeps its state in its own subfolder.
   */
  DATA_DIR = 'data';

  /** Unset: the embedded store under DATA_DIR. Set: PostgreSQL, shared by every replica. */
  @IsOptional()
  @IsPostgresUrl({
    message:
      'must be a postgres:// or postgresql:// URL, e.g. postgres://user:password@host:5432/db',
  })
  DATABASE_URL?: string = undefined;
}

/** Where this service reaches Keycloak and which issuer it expects tokens to carry. */
export interface KeycloakSettings {
  /** Base URL used for HTTP calls (token endpoint, JWKS), e.g. http://keycloak:8080. */
  url: string;
  realm: string;
  authPath: string;
  /** The exact `iss` value, e.g. http://localhost:8080/realms/techstore. */
  issuer: string;
  /** `${url}${authPath}/realms/${realm}`: the realm's URL as reachable from this service. */
  realmUrl: string;
  /** The receiver's `jwksMaxAgeMs`. */
  jwksMaxAgeMs: number;
}

export function keycloakSettings(env: BaseEnvironment): KeycloakSettings {
  const realmUrl = `${env.KEYCLOAK_URL}${env.KEYCLOAK_AUTH_PATH}/realms/${env.KEYCLOAK_REALM}`;
  return {
    url: env.KEYCLOAK_URL,
    realm: env.KEYCLOAK_REALM,
    authPath: env.KEYCLOAK_AUTH_PATH,
    issuer: env.KEYCLOAK_ISSUER ?? realmUrl,
    realmUrl,
    jwksMaxAgeMs: env.KEYCLOAK_JWKS_MAX_AGE_SECONDS * 1000,
  };
}
