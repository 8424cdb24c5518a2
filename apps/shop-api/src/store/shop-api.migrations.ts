import type { Migration } from '@app/store';

/** shop-api's tables live in this PostgreSQL schema (also in the embedded store). */
export const SHOP_API_SCHEMA = 'shop_api';

/**
 * Orders, and the outbox of notifications still to deliver: a checkout writes both in one
 * transaction, the relay deletes an outbox row once notification-service has the notification
 * (docs/adr/0020). Add a migration for every change; never edit one that has shipped.
 */
export const SHOP_API_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'orders and the notification outbox',
    statements: [
      `create table shop_api.orders (
         order_id uuid primary key,
         owner_subject text not null,
         email text not null,
         items jsonb not null,
         total_cents integer not null,
         created_at timestamptz not null default now(),
         notification text not null default 'pending'
           check (notification in ('pending', 'sent', 'failed')),
         notified_at timestamptz
       )`,
      `create table shop_api.outbox (
         order_id uuid primary key references shop_api.orders (order_id),
         idempotency_key text not null,
         payload jsonb not null,
         created_at timestamptz not null default now(),
         due_at timestamptz not null,
         claim_token uuid,
         claimed_by text,
         attempts integer not null default 0,
         last_error text,
         request_id text,
         traceparent text
       )`,
      `create index outbox_due_at on shop_api.outbox (due_at)`,
    ],
  },
];
