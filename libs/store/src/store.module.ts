import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Database } from './database.js';
import { openDatabase, type StoreOptions } from './open-database.js';
import { StoreHealthIndicator } from './store.health.js';

/** Closes the store last: after the app's own shutdown work (relays, requests) is done. */
@Injectable()
class StoreCloser implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly database: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}

/**
 * Provides the app's {@link Database} (opened and migrated before the app listens) and a
 * readiness indicator for it, to every module.
 */
@Module({})
export class StoreModule {
  static forRoot(options: StoreOptions): DynamicModule {
    return {
      module: StoreModule,
      global: true,
      imports: [TerminusModule],
      providers: [
        { provide: Database, useFactory: () => openDatabase(options) },
        StoreCloser,
        StoreHealthIndicator,
      ],
      exports: [Database, StoreHealthIndicator],
    };
  }
}
