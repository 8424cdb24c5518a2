import { createServer, type IncomingHttpHeaders } from 'node:http';
import { LoopbackServer } from './loopback-server.js';

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
};

/** One exported span, flattened from OTLP/JSON with its service's name. */
export interface ReceivedSpan {
  service: string;
  scope: string;
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  attributes: Record<string, string | number | boolean | undefined>;
  events: { name: string; attributes: Record<string, string | number | boolean | undefined> }[];
}

interface OtlpAttribute {
  key: string;
  value: AnyValue;
}

interface OtlpTraces {
  resourceSpans: {
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: {
      scope: { name: string };
      spans: {
        name: string;
        kind: number;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        attributes?: OtlpAttribute[];
        events?: { name: string; attributes?: OtlpAttribute[] }[];
      }[];
    }[];
  }[];
}

function flatten(attributes: OtlpAttribute[] = []) {
  return Object.fromEntries(
    attributes.map(({ key, value }) => {
      const v = value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;
      return [key, typeof v === 'string' && value.intValue !== undefined ? Number(v) : v];
    }),
  );
}

/**
 * A real OTLP/HTTP receiver (the JSON encoding, `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`): the
 * apps export to it exactly as they would to a collector or Jaeger. It keeps every request body
 * as received, so a test can search all exported bytes for secrets, and the spans decoded.
 */
export class OtlpReceiver extends LoopbackServer {
  readonly bodies: string[] = [];
  readonly headers: IncomingHttpHeaders[] = [];
  readonly spans: ReceivedSpan[] = [];

  /** Listening; its `url` is the base for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  static async start(): Promise<OtlpReceiver> {
    const server = createServer();
    const receiver = new OtlpReceiver(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (request.method !== 'POST' || request.url !== '/v1/traces') {
          response.writeHead(404).end();
          return;
        }
        receiver.bodies.push(body);
        receiver.headers.push(request.headers);
        receiver.record(JSON.parse(body) as OtlpTraces);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    return LoopbackServer.listen(receiver);
  }

  private record(traces: OtlpTraces): void {
    for (const { resource, scopeSpans } of traces.resourceSpans) {
      const service = String(flatten(resource.attributes)['service.name']);
      for (const { scope, spans } of scopeSpans) {
        for (const span of spans) {
          this.spans.push({
            service,
            scope: scope.name,
            name: span.name,
            kind: span.kind,
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            attributes: flatten(span.attributes),
            events: (span.events ?? []).map((event) => ({
              name: event.name,
              attributes: flatten(event.attributes),
            })),
          });
        }
      }
    }
  }
}
