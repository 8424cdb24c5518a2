import { ConsoleLogger } from '@nestjs/common';
import { JsonLogger } from './json-logger.js';
import { requestContext } from './request-context.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz';

/** The lines a logger writes to stdout, parsed. */
function linesOf(run: (logger: JsonLogger) => void): Record<string, unknown>[] {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    run(new JsonLogger('sample-service', ['log', 'warn', 'error']));
  } finally {
    spy.mockRestore();
  }
  return written.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('JsonLogger', () => {
  it('writes one JSON object per line with the service and the request id', () => {
    const [line] = linesOf((logger) =>
      requestContext.run({ requestId: 'req-7' }, () => logger.log('hello', 'HTTP')),
    );
    expect(line).toMatchObject({
      level: 'log',
      message: 'hello',
      context: 'HTTP',
      service: 'sample-service',
      requestId: 'req-7',
    });
    expect(line.timestamp).toEqual(expect.any(Number));
  });

  it('masks JWT-shaped text and fields named like credentials, flat or nested', () => {
    const lines = linesOf((logger) => {
      logger.log(`token ${JWT} seen`, 'Flat');
      logger.warn(
        { message: 'nested', detail: { authorization: 'Bearer x', note: JWT } },
        'Nested',
      );
      logger.log({ message: 'secret', client_secret: 's3cr3t', password: 'p' }, 'Keys');
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(JWT);
    expect(text).not.toContain('s3cr3t');
    expect(lines[0].message).toBe('token [redacted-jwt] seen');
    expect(lines[1]).toMatchObject({
      message: {
        message: 'nested',
        detail: { authorization: '[redacted]', note: '[redacted-jwt]' },
      },
    });
    expect(lines[2].message).toMatchObject({ client_secret: '[redacted]', password: '[redacted]' });
  });

  it('logLine writes what log(message, context) writes, without Nest’s plumbing', () => {
    const [viaLog, viaLine] = linesOf((logger) =>
      requestContext.run({ requestId: 'req-9' }, () => {
        logger.log('POST /x 200 1ms', 'HTTP');
        logger.logLine('POST /x 200 1ms', 'HTTP');
      }),
    );
    expect({ ...viaLine, timestamp: 0 }).toEqual({ ...viaLog, timestamp: 0 });
    const [maskedLog, maskedLine] = linesOf((logger) =>
      requestContext.run({ requestId: JWT }, () => {
        logger.log(`POST /x ${JWT} 200 1ms`, 'HTTP');
        logger.logLine(`POST /x ${JWT} 200 1ms`, 'HTTP');
      }),
    );
    expect(JSON.stringify(maskedLine)).not.toContain(JWT);
    expect({ ...maskedLine, timestamp: 0 }).toEqual({ ...maskedLog, timestamp: 0 });
    const [longLog, longLine] = linesOf((logger) => {
      logger.log('y'.repeat(150_000), 'HTTP');
      logger.logLine('y'.repeat(150_000), 'HTTP');
    });
    expect({ ...longLine, timestamp: 0 }).toEqual({ ...longLog, timestamp: 0 });
    const quiet = linesOf(() =>
      new JsonLogger('sample-service', ['error']).logLine('not written', 'HTTP'),
    );
    expect(quiet).toEqual([]);
  });

  it('writes a flat record exactly as Nest’s general walk would', () => {
    class GeneralJsonLogger extends JsonLogger {
      protected override stringifyJsonLogObject(logObject: Record<string, unknown>): string {
        return ConsoleLogger.prototype['stringifyJsonLogObject'].call<
          ConsoleLogger,
          [Record<string, unknown>],
          string
        >(this, logObject);
      }
    }
    const record = { level: 'log', pid: 1, timestamp: 2, message: `x ${JWT}`, context: 'HTTP' };
    const fast = new JsonLogger('s', ['log'])['stringifyJsonLogObject'](record);
    const general = new GeneralJsonLogger('s', ['log'])['stringifyJsonLogObject'](record);
    expect(fast).toBe(general);
  });
});
