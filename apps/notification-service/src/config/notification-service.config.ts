import {
  dataDirProblems,
  keycloakSettings,
  validateEnvironment,
  type KeycloakSettings,
  type LogLevel,
  type RateLimit,
} from '@app/common';
import { storeSettings, type StoreSettings } from '@app/store';
import { NotificationServiceEnvironment } from './notification-service.environment.js';

export interface NotificationServiceConfig {
  port: number;
  logLevel: LogLevel;
  keycloak: KeycloakSettings & { audience: string };
  /** Unset: emails are written to the log instead of being sent. */
  smtpUrl?: string;
  mailFrom: string;
  callerRateLimit: RateLimit;
  /** The embedded store under DATA_DIR, or PostgreSQL at DATABASE_URL. */
  store: StoreSettings;
}

/** Validates the environment; throws EnvConfigError naming every bad variable. */
export function loadNotificationServiceConfig(env: NodeJS.ProcessEnv): NotificationServiceConfig {
  const e = validateEnvironment(NotificationServiceEnvironment, env, dataDirProblems);
  return {
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    keycloak: { ...keycloakSettings(e), audience: e.KEYCLOAK_AUDIENCE },
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    callerRateLimit: {
      limit: e.NOTIFICATION_RATE_LIMIT_PER_CALLER,
      windowSeconds: e.NOTIFICATION_RATE_LIMIT_WINDOW_SECONDS,
    },
    store: storeSettings(e),
  };
}
