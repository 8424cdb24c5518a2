import type { ExecutionContext } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { trace } from '@opentelemetry/api';
import { inChildSpan, inSampledTrace, markFailed, tracer } from './spans.js';

/** What the receiver half tells about one decision (a subset of its `validation` event). */
interface DecisionEvent {
  type: string;
  outcome?: string;
  status?: number;
  code?: string;
  reason?: string;
  cache?: string;
  caller?: string;
}

/** What the caller half tells about one token lookup or request. */
interface TokenEvent {
  type: string;
  result?: string;
  trigger?: string;
  outcome?: string;
  attempt?: number;
  status?: number;
  errorType?: string;
  durationMs?: number;
  lifetimeSeconds?: number;
}

interface Guard {
  canActivate(context: ExecutionContext): boolean | Promise<boolean> | Observable<boolean>;
}

interface TokenSource {
  readonly client: string;
  getToken(...args: never[]): Promise<string>;
  subscribe(listener: (event: TokenEvent) => void): () => void;
}

interface DecisionSource {
  subscribe(listener: (event: DecisionEvent) => void): () => void;
}

/**
 * An `auth.guard` span around each decision of the global auth guard, with the decision's
 * outcome, status, reason, cache use and the caller's client id as attributes (never a token or
 * a claim beyond `azp`). Built on the guard's public `canActivate` and the library's events, so
 * the library itself knows nothing of tracing.
 */
export function traceGuardDecisions(guard: Guard, events: DecisionSource): void {
  const canActivate = guard.canActivate.bind(guard);
  guard.canActivate = (executionContext) => {
    if (!inSampledTrace()) return canActivate(executionContext);
    return tracer.startActiveSpan('auth.guard', (span) => {
      try {
        const decision = canActivate(executionContext);
        if (!(decision instanceof Promise)) {
          span.end();
          return decision;
        }
        return decision.then(
          (allowed) => {
            span.end();
            return allowed;
          },
          (error: unknown) => {
            markFailed(span, error);
            span.end();
            throw error;
          },
        );
      } catch (error) {
        markFailed(span, error);
        span.end();
        throw error;
      }
    });
  };
  events.subscribe((event) => {
    if (event.type !== 'validation') return;
    const span = trace.getActiveSpan();
    if (!span?.isRecording()) return;
    span.setAttributes({
      'auth.outcome': event.outcome,
      'auth.status': event.status ?? 200,
      ...(event.code && { 'auth.code': event.code }),
      ...(event.reason && { 'auth.reason': event.reason }),
      ...(event.cache && { 'auth.token_cache': event.cache }),
      ...(event.caller && { 'auth.caller': event.caller }),
    });
  });
}

/**
 * A `service_token.get` span around each token lookup of the caller half: whether the cache
 * served it (`hit`, `stale_hit`, `miss`, `coalesced`), and for a miss the token request (its
 * HTTP span, made by the undici instrumentation, is a child) with trigger, attempt and outcome.
 * No token, fingerprint or secret is recorded.
 */
export function traceServiceTokens(tokens: TokenSource): void {
  const getToken = tokens.getToken.bind(tokens);
  tokens.getToken = (...args) =>
    inChildSpan('service_token.get', { 'oauth.client_id': tokens.client }, () => getToken(...args));
  tokens.subscribe((event) => {
    const span = trace.getActiveSpan();
    if (!span?.isRecording()) return;
    if (event.type === 'cache_lookup' && event.result) {
      span.setAttribute('service_token.cache', event.result);
    } else if (event.type === 'token_request') {
      span.addEvent('token_request', {
        trigger: event.trigger,
        outcome: event.outcome,
        attempt: event.attempt,
        ...(event.status !== undefined && { 'http.response.status_code': event.status }),
        ...(event.errorType && { 'error.type': event.errorType }),
        ...(event.durationMs !== undefined && { duration_ms: event.durationMs }),
      });
    } else if (event.type === 'token_acquired' && event.lifetimeSeconds !== undefined) {
      span.setAttribute('service_token.lifetime_s', event.lifetimeSeconds);
    }
  });
}
