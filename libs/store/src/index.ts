// @app/store: where both apps keep their state (docs/adr/0019).
export * from './database.js';
export * from './embedded-database.js';
export * from './postgres-database.js';
export * from './migrations.js';
export * from './open-database.js';
export * from './store-settings.js';
export * from './store.errors.js';
export * from './store.health.js';
export * from './store.module.js';
