import {
  SpanStatusCode,
  TraceFlags,
  context,
  isSpanContextValid,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';

/** The tracer of this repository's own spans (token fetch, guard decision, delivery, email). */
export const tracer = trace.getTracer('keycloak-m2m-nestjs');

/**
 * True inside a sampled trace, even after its span ended: a background retry scheduled by a
 * request still belongs to that request's trace.
 */
export function inSampledTrace(): boolean {
  const parent = trace.getSpanContext(context.active());
  return (
    parent !== undefined &&
    isSpanContextValid(parent) &&
    (parent.traceFlags & TraceFlags.SAMPLED) !== 0
  );
}

/**
 * Runs `work` in a child span of the current trace and ends it when `work` settles. Outside a
 * sampled trace (tracing off, a probe, a sampled-out request) it only runs `work`.
 */
export function inChildSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!inSampledTrace()) return work(undefined);
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Marks a span failed by the error's class and stable code only: a message can quote what a
 * caller sent. Client errors (HTTP status below 500) are answers, not failures.
 */
export function markFailed(span: Span, error: unknown): void {
  const status = (
    error as { status?: unknown; getStatus?: () => number } | undefined
  )?.getStatus?.();
  if (typeof status === 'number' && status < 500) return;
  const name = error instanceof Error ? error.name : 'Error';
  const code = (error as { code?: unknown } | undefined)?.code;
  span.setStatus({ code: SpanStatusCode.ERROR, message: name });
  span.setAttribute('error.type', typeof code === 'string' ? code : name);
}
