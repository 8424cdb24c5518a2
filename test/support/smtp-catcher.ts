import {
  simpleParser,
  type AddressObject,
  type EmailAddress,
  type HeaderValue,
  type ParsedMail,
} from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { AddressInfo } from 'node:net';

/** One message the catcher accepted, parsed by `mailparser` for assertions. */
export interface CaughtEmail {
  /** The SMTP envelope (MAIL FROM / RCPT TO): who the sender really delivered to. */
  envelope: { from: string; to: string[] };
  /**
   * As written, with RFC 2047 encoded words decoded and display names quoted only where RFC 5322
   * needs it, e.g. `TechStore <no-reply@…>`.
   */
  from: string;
  to: string;
  subject: string;
  /**
   * Every header by lower-case name, decoded like `from` (a header that may repeat, such as
   * `Received`, gives its last value; `Date`, `Content-Type` and the other structured headers,
   * which carry no encoded words, their unfolded text).
   */
  headers: Record<string, string>;
  /** The text/plain content (its parts that are not attachments), `\n` line ends; empty if none. */
  text: string;
  /** The text/html content (its parts that are not attachments); empty if none. */
  html: string;
  /** The message exactly as received, CRLF line ends. */
  raw: string;
  /** When the catcher had read it completely (`Date.now()`). */
  receivedAt: number;
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
  refuse: () => void;
}

/**
 * A real SMTP server (the `smtp-server` package) that records every message it accepts. Tests,
 * the system suite and the demo point `SMTP_URL` at {@link SmtpCatcher.url} and then wait for
 * the email they expect with {@link SmtpCatcher.waitFor}. Faults are injected at the SMTP level:
 * {@link SmtpCatcher.refuseConnections} answers every new connection with a 4xx reply, and
 * {@link SmtpCatcher.hold} keeps senders waiting for the final reply to DATA; a held message can
 * then be accepted ({@link release}), refused ({@link refuseHeld}) or kept without a reply
 * ({@link keepHeldWithoutReply}: the server has it, the sender never learns).
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
    // A sender that dies mid-session (the crash suites kill them) resets its connection; the
    // server reports that as an 'error' event, which is no failure of the catcher.
    catcher.server.on('error', () => undefined);
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

  /** Those messages themselves, oldest first. */
  get heldMessages(): readonly CaughtEmail[] {
    return this.held.map((delivery) => delivery.email);
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

  /**
   * Answers every held message with a 451 and does not keep it: the mail was never accepted
   * (what a sender that died before the reply leaves behind at a real server).
   */
  refuseHeld(): void {
    this.holding = false;
    for (const delivery of this.held.splice(0)) delivery.refuse();
  }

  /**
   * Keeps every held message as accepted ({@link messages}) but never replies: the mail server
   * has the email and delivers it, while its sender is still waiting for the "250 OK" (and,
   * killed now, never records that it sent).
   */
  keepHeldWithoutReply(): void {
    this.holding = false;
    for (const delivery of this.held.splice(0)) this.caught.push(delivery.email);
    this.notify();
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
    const mailFrom = session.envelope.mailFrom;
    const envelope = {
      from: mailFrom ? mailFrom.address : '',
      to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
    };
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      parseEmail(Buffer.concat(chunks), envelope).then((email) => {
        const accept = () => {
          this.caught.push(email);
          callback();
          this.notify();
        };
        if (!this.holding) return accept();
        const refuse = () =>
          callback(Object.assign(new Error('Requested action aborted'), { responseCode: 451 }));
        this.held.push({ email, accept, refuse });
        this.notify();
      }, callback);
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

/** mailparser without the conversions a catcher does not need (HTML↔text, cid: links, hashes). */
const PARSER_OPTIONS = {
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipImageLinks: true,
  checksumAlgo: false,
} as const;

async function parseEmail(data: Buffer, envelope: CaughtEmail['envelope']): Promise<CaughtEmail> {
  const parsed = await simpleParser(data, PARSER_OPTIONS);
  const headers = headerTexts(parsed);
  return {
    envelope,
    from: headers.from ?? '',
    to: headers.to ?? '',
    subject: parsed.subject ?? '',
    headers,
    text: bodyText(parsed.text),
    html: bodyText(parsed.html),
    raw: data.toString('utf8'),
    receivedAt: Date.now(),
  };
}

/** The line break that ends a single-part body belongs to the SMTP transfer, not the content. */
const bodyText = (content: string | false | undefined) =>
  typeof content === 'string' ? content.replace(/\n$/, '') : '';

function headerTexts(parsed: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    headers[key] =
      decodedText(parsed.headers.get(key)) ??
      line
        .slice(line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim();
  }
  return headers;
}

/** mailparser's decoded value as text; undefined for the structured values it does not keep as text. */
function decodedText(value: HeaderValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return decodedText(value.at(-1));
  if (isAddressObject(value)) return value.value.map(mailbox).join(', ');
  return undefined;
}

function isAddressObject(value: HeaderValue | undefined): value is AddressObject {
  return typeof value === 'object' && 'text' in value && Array.isArray(value.value);
}

/** A mailbox or group as RFC 5322 writes it: `Name <address>`, `"Doe, Jane" <…>`, `Team: a, b;`. */
function mailbox(entry: EmailAddress): string {
  const name = /[()<>[\]:;@\\,."]/.test(entry.name)
    ? `"${entry.name.replace(/["\\]/g, '\\$&')}"`
    : entry.name;
  if (entry.group) {
    const members = entry.group.map(mailbox).join(', ');
    return `${name}:${members ? ` ${members}` : ''};`;
  }
  return name && entry.address ? `${name} <${entry.address}>` : (entry.address ?? '');
}
