import { accessSync, constants } from 'node:fs';
import {
  dataDirProblems,
  keycloakSettings,
  validateEnvironment,
  type KeycloakSettings,
  type LogLevel,
  type RateLimit,
} from '@app/common';
import { storeSettings, type StoreSettings } from '@app/store';
import { ShopApiEnvironment } from './shop-api.environment.js';

export type ClientCredential = { secret: string } | { secretFile: string };

export interface ShopApiConfig {
  port: number;
  logLevel: LogLevel;
  keycloak: KeycloakSettings & { clientId: string; credential: ClientCredential };
  notificationServiceUrl: string;
  checkoutRateLimits: { perCustomer: RateLimit; total: RateLimit };
  /** The embedded store under DATA_DIR, or PostgreSQL at DATABASE_URL. */
  store: StoreSettings;
}

/** Validates shop-api's environment; throws EnvConfigError naming every bad variable. */
export function loadShopApiConfig(env: NodeJS.ProcessEnv): ShopApiConfig {
  const e = validateEnvironment(ShopApiEnvironment, env, (checked) => [
    ...credentialProblems(checked),
    ...dataDirProblems(checked),
  ]);
  return {
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    keycloak: {
      ...keycloakSettings(e),
      clientId: e.KEYCLOAK_CLIENT_ID,
      credential: e.KEYCLOAK_CLIENT_SECRET_FILE
        ? { secretFile: e.KEYCLOAK_CLIENT_SECRET_FILE }
        : { secret: e.KEYCLOAK_CLIENT_SECRET as string },
    },
    notificationServiceUrl: e.NOTIFICATION_SERVICE_URL,
    checkoutRateLimits: {
      perCustomer: {
        limit: e.CHECKOUT_RATE_LIMIT_PER_CUSTOMER,
        windowSeconds: e.CHECKOUT_RATE_LIMIT_WINDOW_SECONDS,
      },
      total: {
        limit: e.CHECKOUT_RATE_LIMIT_TOTAL,
        windowSeconds: e.CHECKOUT_RATE_LIMIT_WINDOW_SECONDS,
      },
    },
    store: storeSettings(e),
  };
}

function credentialProblems(e: ShopApiEnvironment): string[] {
  const both =
    e.KEYCLOAK_CLIENT_SECRET !== undefined && e.KEYCLOAK_CLIENT_SECRET_FILE !== undefined;
  const none =
    e.KEYCLOAK_CLIENT_SECRET === undefined && e.KEYCLOAK_CLIENT_SECRET_FILE === undefined;
  if (both || none) {
    return [
      `KEYCLOAK_CLIENT_SECRET / KEYCLOAK_CLIENT_SECRET_FILE: exactly one must be set (${both ? 'both are' : 'neither is'})`,
    ];
  }
  if (e.KEYCLOAK_CLIENT_SECRET_FILE !== undefined) {
    try {
      accessSync(e.KEYCLOAK_CLIENT_SECRET_FILE, constants.R_OK);
    } catch {
      return ['KEYCLOAK_CLIENT_SECRET_FILE: the file does not exist or is not readable'];
    }
  }
  return [];
}
