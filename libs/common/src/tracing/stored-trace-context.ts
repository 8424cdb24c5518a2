import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';

/**
 * The active trace context as a W3C `traceparent`, to store with work that is done later (an
 * outbox row); undefined when nothing is traced (tracing off, or outside a trace).
 */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/**
 * Runs `work` in the trace context a stored `traceparent` names, so its spans and outgoing calls
 * continue that trace, minutes later and in another process. Without one, `work` runs as is.
 */
export function inStoredTraceContext<T>(traceparent: string | undefined, work: () => T): T {
  if (!traceparent) return work();
  return context.with(propagation.extract(ROOT_CONTEXT, { traceparent }), work);
}
