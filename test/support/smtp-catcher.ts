import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { AddressInfo } from 'node:net';

/** One message the catcher accepted, decoded enough for assertions. */
export interface CaughtEmail {
  /** The SMTP envelope (MAIL FROM / RCPT TO): who the sender really delivered to. */
  envelope: { from: string; to: string[] };
  /** Header values with RFC 2047 encoded words decoded, e.g. `TechStore <no-reply@…>`. */
  from: string;
  to: string;
  subject: string;
  /** Every header by lower-case name (the last occurrence wins). */
  headers: Record<string, string>;
  /** The text/plain body (the first text/plain part of a multipart message), `\n` line ends. */
  text: string;
  /** The message exactly as received, CRLF line ends. */
  raw: string;
}

export interface SmtpCatcherOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

interface Waiter {
  check: () => boolean;
}

interface HeldDelivery {
  email: CaughtEmail;
  accept: () => void;
}

/**
 * A real SMTP server (the `smtp-server` package) that records every message it accepts. Tests,
 * the system suite and the demo point `SMTP_URL` at {@link SmtpCatcher.url} and then wait for
 * the email they expect with {@link SmtpCatcher.waitFor}. Faults are injected at the SMTP level:
 * {@link SmtpCatcher.refuseConnections} answers every new connection with a 4xx reply, and
 * {@link SmtpCatcher.hold} keeps senders waiting for the final reply to DATA.
 */
export class SmtpCatcher {
  private readonly caught: CaughtEmail[] = [];
  private readonly held: HeldDelivery[] = [];
  private readonly waiters = new Set<Waiter>();
  private refusal: number | undefined;
  private holding = false;
  private boundPort = 0;

  private readonly server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    hideSTARTTLS: true,
    closeTimeout: 1000,
    onConnect: (_session, callback) => this.onConnect(callback),
    onData: (stream, session, callback) => this.onData(stream, session, callback),
  });

  private constructor(readonly host: string) {}

  static async start(options: SmtpCatcherOptions = {}): Promise<SmtpCatcher> {
    const catcher = new SmtpCatcher(options.host ?? '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      catcher.server.server.once('error', reject);
      catcher.server.listen(options.port ?? 0, catcher.host, () => resolve());
    });
    catcher.boundPort = (catcher.server.server.address() as AddressInfo).port;
    return catcher;
  }

  get port(): number {
    return this.boundPort;
  }

  /** `smtp://127.0.0.1:<port>`, the value for `SMTP_URL`. */
  get url(): string {
    return `smtp://${this.host}:${this.port}`;
  }

  /** Every accepted message, oldest first. */
  get messages(): readonly CaughtEmail[] {
    return this.caught;
  }

  /** Messages read completely whose senders still wait for the reply (see {@link hold}). */
  get heldCount(): number {
    return this.held.length;
  }

  /**
   * Resolves with the first accepted message (already received or still to come) that matches;
   * rejects after `timeoutMs` with a list of what did arrive.
   */
  waitFor(predicate: (email: CaughtEmail) => boolean, timeoutMs = 5000): Promise<CaughtEmail> {
    let found: CaughtEmail | undefined;
    return this.waitUntil(
      () => (found = this.caught.find(predicate)) !== undefined,
      timeoutMs,
      'an email matching the predicate',
    ).then(() => found!);
  }

  /** Resolves once `count` messages are being held (see {@link hold}). */
  waitForHeld(count: number, timeoutMs = 5000): Promise<void> {
    return this.waitUntil(() => this.held.length >= count, timeoutMs, `${count} held email(s)`);
  }

  /** New connections get `<responseCode> Service not available` and are closed (SMTP down). */
  refuseConnections(responseCode = 421): void {
    this.refusal = responseCode;
  }

  acceptConnections(): void {
    this.refusal = undefined;
  }

  /** Messages are read but not acknowledged: their senders wait until {@link release}. */
  hold(): void {
    this.holding = true;
  }

  /** Acknowledges every held message (they become {@link messages}) and stops holding. */
  release(): void {
    this.holding = false;
    for (const delivery of this.held.splice(0)) delivery.accept();
  }

  /** Forgets the messages received so far. */
  clear(): void {
    this.caught.length = 0;
  }

  async close(): Promise<void> {
    this.release();
    await new Promise<void>((resolve) => this.server.close(resolve));
  }

  private onConnect(callback: (error?: Error | null) => void): void {
    if (this.refusal === undefined) return callback();
    callback(Object.assign(new Error('Service not available'), { responseCode: this.refusal }));
  }

  private onData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (error?: Error | null) => void,
  ): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const email = parseEmail(Buffer.concat(chunks), session);
      const accept = () => {
        this.caught.push(email);
        callback();
        this.notify();
      };
      if (!this.holding) return accept();
      this.held.push({ email, accept });
      this.notify();
    });
  }

  private notify(): void {
    for (const waiter of this.waiters) waiter.check();
  }

  private waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          if (!condition()) return false;
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
          return true;
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const subjects = this.caught.map((email) => JSON.stringify(email.subject)).join(', ');
        reject(
          new Error(
            `SMTP catcher: waited ${timeoutMs} ms for ${what}; received ${this.caught.length}` +
              (subjects ? `: ${subjects}` : ''),
          ),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
      waiter.check();
    });
  }
}

interface Entity {
  headers: Record<string, string>;
  /** Body bytes as a latin1 string (one char per byte) so that any charset survives. */
  body: string;
}

function parseEmail(data: Buffer, session: SMTPServerSession): CaughtEmail {
  const raw = data.toString('latin1');
  const entity = parseEntity(raw);
  const mailFrom = session.envelope.mailFrom;
  return {
    envelope: {
      from: mailFrom ? mailFrom.address : '',
      to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
    },
    from: entity.headers.from ?? '',
    to: entity.headers.to ?? '',
    subject: entity.headers.subject ?? '',
    headers: entity.headers,
    text: (findText(entity) ?? '').replace(/\r\n/g, '\n'),
    raw: data.toString('utf8'),
  };
}

function parseEntity(source: string): Entity {
  const split = source.search(/\r?\n\r?\n/);
  const head = split < 0 ? source : source.slice(0, split);
  const body = split < 0 ? '' : source.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers[name] = decodeWords(Buffer.from(line.slice(colon + 1).trim(), 'latin1').toString());
  }
  return { headers, body };
}

function findText(entity: Entity): string | undefined {
  const type = entity.headers['content-type'] ?? 'text/plain';
  const boundary = /^multipart\//i.test(type) ? parameter(type, 'boundary') : undefined;
  if (boundary !== undefined) {
    const delimiter = `--${boundary}`;
    const parts = entity.body.split(delimiter).slice(1);
    for (const part of parts) {
      if (part.startsWith('--')) break;
      const text = findText(parseEntity(part.replace(/^[ \t]*\r?\n/, '')));
      if (text !== undefined) return text;
    }
    return undefined;
  }
  if (!/^text\/plain\b/i.test(type)) return undefined;
  const encoding = (entity.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(entity.body, 'base64')
      : encoding === 'quoted-printable'
        ? quotedPrintable(entity.body)
        : Buffer.from(entity.body, 'latin1');
  return decodeCharset(bytes, parameter(type, 'charset')).replace(/\r?\n$/, '');
}

function parameter(headerValue: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(headerValue);
  return match ? (match[1] ?? match[2]) : undefined;
}

function quotedPrintable(body: string): Buffer {
  const binary = body
    .replace(/[ \t]+(?=\r?\n)/g, '')
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(binary, 'latin1');
}

function decodeCharset(bytes: Buffer, charset = 'utf-8'): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** RFC 2047: `=?utf-8?Q?…?=` / `=?utf-8?B?…?=`; whitespace between adjacent words is dropped. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(
      /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
      (_, charset: string, kind: string, text: string) =>
        decodeCharset(
          kind.toUpperCase() === 'B'
            ? Buffer.from(text, 'base64')
            : quotedPrintable(text.replace(/_/g, ' ')),
          charset,
        ),
    );
}
