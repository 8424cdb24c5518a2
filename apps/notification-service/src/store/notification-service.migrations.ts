import type { Migration } from '@app/store';

/** notification-service's tables live in this PostgreSQL schema (also in the embedded store). */
export const NOTIFICATION_SERVICE_SCHEMA = 'notification_service';

/**
 * One idempotency record per calling client (`azp`) and Idempotency-Key (docs/adr/0020). Add a
 * migration for every change; never edit one that has shipped.
 */
export const NOTIFICATION_SERVICE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'idempotency records',
    statements: [
      `create table notification_service.idempotency_records (
         client_id text not null,
         idempotency_key text not null,
         fingerprint text not null,
         notification_id uuid not null,
         state text not null check (state in ('sending', 'sent')),
         lease_token uuid,
         lease_until timestamptz,
         takeovers integer not null default 0,
         created_at timestamptz not null default now(),
         sent_at timestamptz,
         expires_at timestamptz not null,
         primary key (client_id, idempotency_key)
       )`,
      `create index idempotency_records_expires_at
         on notification_service.idempotency_records (expires_at)`,
    ],
  },
];
