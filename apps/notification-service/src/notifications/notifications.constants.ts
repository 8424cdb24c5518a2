/**
 * nodemailer's defaults wait minutes for a silent server; a request holding a caller should
 * fail soon enough to be retried. Query parameters of SMTP_URL (e.g. `?socketTimeout=60000`)
 * override these.
 */
export const SMTP_TIMEOUTS = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
} as const;

/** Order ids and idempotency keys: short tokens that are safe in logs, headers and subjects. */
export const SAFE_TOKEN = /^[A-Za-z0-9._:-]+$/;
export const SAFE_TOKEN_CHARACTERS = 'A-Z a-z 0-9 . _ : -';
export const ORDER_ID_MAX_LENGTH = 100;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 128;
