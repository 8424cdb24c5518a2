import { Logger } from '@nestjs/common';
import type { Database } from './database.js';
import { EmbeddedDatabase } from './embedded-database.js';
import { migrate, type Migration } from './migrations.js';
import { PostgresDatabase } from './postgres-database.js';
import type { StoreSettings } from './store-settings.js';

export interface StoreOptions {
  settings: StoreSettings;
  /** The app's name: the embedded store's folder under DATA_DIR, PostgreSQL's application_name. */
  app: string;
  /** The PostgreSQL schema the app's tables live in. */
  schema: string;
  migrations: readonly Migration[];
}

/** Opens the configured store and migrates the app's schema; throws StoreUnavailableError. */
export async function openDatabase(options: StoreOptions): Promise<Database> {
  const { settings, app, schema, migrations } = options;
  const database =
    settings.kind === 'postgres'
      ? await PostgresDatabase.open(settings.databaseUrl, app)
      : await EmbeddedDatabase.open(settings.dataDir, app);
  try {
    const applied = await migrate(database, schema, migrations);
    new Logger('Database').log(
      `state in ${database.kind === 'postgres' ? 'PostgreSQL at' : 'the embedded store in'} ` +
        `${database.location} (schema ${schema}` +
        `${applied.length > 0 ? `, applied migration(s) ${applied.join(', ')}` : ', up to date'})`,
    );
    return database;
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}
