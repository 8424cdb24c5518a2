import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { context as otelContext, isSpanContextValid, trace } from '@opentelemetry/api';
import type { LineOutput } from './batched-stdout.js';
import { requestContext } from './request-context.js';

const JWT_LIKE = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
/** Longer records go through Nest's own stringify, which truncates huge values. */
const FLAT_RECORD_MAX_LENGTH = 100_000;
const SECRET_KEYS =
  /^(authorization|password|secret|client_secret|access_token|refresh_token|id_token|token|assertion|client_assertion)$/i;

/** `value` with anything shaped like a JWT replaced. */
function masked(value: string): string {
  return value.includes('eyJ') ? value.replace(JWT_LIKE, '[redacted-jwt]') : value;
}

/**
 * One JSON object per line with the service name, the current request id and, inside a trace,
 * its trace and span ids (so a log line leads to its trace and back). As a last line of
 * defence it masks anything shaped like a JWT and any field named like a credential, so a
 * careless `logger.log(response)` cannot leak a token or a secret.
 */
export class JsonLogger extends ConsoleLogger {
  /**
   * `output` takes the lines Nest would write to stdout (every level but error and fatal, which
   * stay on stderr): process.stdout by default; the apps pass their batched stdout.
   */
  constructor(
    private readonly service: string,
    logLevels: LogLevel[],
    private readonly output: LineOutput = process.stdout,
  ) {
    super({ json: true, colors: false, logLevels });
  }

  protected override printAsJson(
    message: unknown,
    options: {
      context: string;
      logLevel: LogLevel;
      writeStreamType?: 'stdout' | 'stderr';
      errorStack?: unknown;
      params?: Record<string, unknown>;
      error?: Error;
    },
  ): void {
    if (options.writeStreamType === 'stderr' || this.output === process.stdout) {
      super.printAsJson(message, options);
      return;
    }
    this.output.write(`${this.stringifyJsonLogObject(this.getJsonLogObject(message, options))}\n`);
  }

  protected override getJsonLogObject(
    message: unknown,
    options: {
      context: string;
      logLevel: LogLevel;
      writeStreamType?: 'stdout' | 'stderr';
      errorStack?: unknown;
    },
  ) {
    const requestId = requestContext.getStore()?.requestId;
    const span = trace.getSpanContext(otelContext.active());
    return {
      ...super.getJsonLogObject(message, options),
      service: this.service,
      ...(requestId ? { requestId } : {}),
      ...(span && isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {}),
    };
  }

  /**
   * One `log` line, exactly as `log(message, context)` writes it, without Nest's logger plumbing
   * in between: the access line of every request goes this way. The record is built in the
   * order `log()` builds it, with the replacer's masking applied to its strings (no key of it is
   * named like a credential), and stringified at once.
   */
  logLine(message: string, context: string): void {
    if (!this.isLevelEnabled('log')) return;
    const requestId = requestContext.getStore()?.requestId;
    const span = trace.getSpanContext(otelContext.active());
    const text = masked(message);
    const label = masked(context);
    const service = masked(this.service);
    const record: Record<string, string | number> = {
      level: 'log',
      pid: process.pid,
      timestamp: Date.now(),
      message: text,
      context: label,
      service,
    };
    let length = 3 + text.length + label.length + service.length;
    if (requestId) {
      const id = masked(requestId);
      record.requestId = id;
      length += id.length;
    }
    if (span && isSpanContextValid(span)) {
      record.traceId = span.traceId;
      record.spanId = span.spanId;
      length += span.traceId.length + span.spanId.length;
    }
    const line =
      length < FLAT_RECORD_MAX_LENGTH
        ? JSON.stringify(record)
        : this.stringifyJsonLogObject(this.getJsonLogObject(message, { context, logLevel: 'log' }));
    this.output.write(`${line}\n`);
  }

  protected override stringifyReplacer(key: string, value: unknown): unknown {
    if (SECRET_KEYS.test(key) && value !== undefined && value !== null) return '[redacted]';
    if (typeof value === 'string') return masked(value);
    return super.stringifyReplacer(key, value);
  }

  /**
   * A record of strings and numbers only (every access line, most lines) needs none of the
   * walk Nest's logger makes for nested values: each value through the replacer, then one
   * JSON.stringify. Anything else goes the general way.
   */
  protected override stringifyJsonLogObject(logObject: Record<string, unknown>): string {
    const flat: Record<string, unknown> = {};
    let length = 0;
    for (const key in logObject) {
      const value = this.stringifyReplacer(key, logObject[key]);
      if (typeof value === 'string') length += value.length;
      else if (typeof value !== 'number' && typeof value !== 'boolean' && value !== undefined) {
        return super.stringifyJsonLogObject(logObject);
      }
      flat[key] = value;
    }
    return length < FLAT_RECORD_MAX_LENGTH
      ? JSON.stringify(flat)
      : super.stringifyJsonLogObject(logObject);
  }
}
