import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { tracingState } from './tracing-state.js';

/** Exports the spans still buffered when the app shuts down (SIGTERM drains, then flushes). */
@Module({})
export class TracingModule implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return tracingState.shutdown();
  }
}
