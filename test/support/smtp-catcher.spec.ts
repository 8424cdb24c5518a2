import { createTransport, type Transporter } from 'nodemailer';
import { SmtpCatcher } from './smtp-catcher.js';

describe('SmtpCatcher', () => {
  let catcher: SmtpCatcher;
  let mailer: Transporter;

  beforeAll(async () => {
    catcher = await SmtpCatcher.start();
    mailer = createTransport(catcher.url);
  });

  afterEach(() => {
    catcher.acceptConnections();
    catcher.release();
    catcher.clear();
  });

  afterAll(async () => {
    mailer.close();
    await catcher.close();
  });

  it('listens on a free loopback port and exposes it as an smtp:// URL', () => {
    expect(catcher.port).toBeGreaterThan(0);
    expect(catcher.url).toBe(`smtp://127.0.0.1:${catcher.port}`);
  });

  it('records envelope, headers and text of a plain message', async () => {
    await mailer.sendMail({
      from: 'TechStore <no-reply@techstore.local>',
      to: 'alice@example.com',
      bcc: 'audit@example.com',
      subject: 'Order ord-1 confirmed',
      text: 'Items:\n- 2 x KB-1\nTotal: 10.00',
    });

    const email = await catcher.waitFor((m) => m.subject.includes('ord-1'));
    expect(email).toMatchObject({
      envelope: {
        from: 'no-reply@techstore.local',
        to: ['alice@example.com', 'audit@example.com'],
      },
      from: 'TechStore <no-reply@techstore.local>',
      to: 'alice@example.com',
      subject: 'Order ord-1 confirmed',
      text: 'Items:\n- 2 x KB-1\nTotal: 10.00',
    });
    expect(email.headers['message-id']).toMatch(/^<.+>$/);
    expect(email.raw).toContain('\r\nSubject: Order ord-1 confirmed\r\n');
  });

  it.each([
    ['quoted-printable', `Tastatur für ${'a long line '.repeat(10)}\nzweite Zeile`],
    ['base64', `${'é'.repeat(80)}\nzweite Zeile`],
  ])('decodes encoded-word headers and %s UTF-8 text', async (encoding, text) => {
    await mailer.sendMail({
      from: 'Bücher <a@example.com>',
      to: 'b@example.com',
      subject: 'Bestellung größer als € 100',
      text,
    });

    const email = await catcher.waitFor(() => true);
    expect(email.raw).toMatch(/^Subject: =\?UTF-8\?/im);
    expect(email.headers['content-transfer-encoding']).toBe(encoding);
    expect(email.from).toBe('Bücher <a@example.com>');
    expect(email.subject).toBe('Bestellung größer als € 100');
    expect(email.text).toBe(text);
  });

  it.each([
    ['multipart/mixed', [{ filename: 'note.txt', content: 'attached' }]],
    ['multipart/alternative', []],
  ])('reads the text/plain and text/html parts of a %s message', async (type, attachments) => {
    await mailer.sendMail({
      from: 'a@example.com',
      to: 'b@example.com',
      subject: 'both',
      text: 'the plain part',
      html: '<p>the html part</p>',
      attachments,
    });

    const email = await catcher.waitFor((m) => m.subject === 'both');
    expect(email.headers['content-type']).toMatch(new RegExp(`^${type};`));
    expect(email.text).toBe('the plain part');
    expect(email.html).toBe('<p>the html part</p>');
  });

  // Messages nodemailer does not write, as other mailers send them.
  const splitWord = (text: string, at: number) => {
    const bytes = Buffer.from(text);
    const word = (part: Buffer) => `=?UTF-8?B?${part.toString('base64')}?=`;
    return `${word(bytes.subarray(0, at))}\r\n ${word(bytes.subarray(at))}`;
  };
  it.each([
    {
      what: 'base64 encoded words split inside a UTF-8 character',
      head: [`Subject: ${splitWord('Grüße für € 100', 3)}`, 'Content-Type: text/plain'],
      body: ['hello'],
      expected: { subject: 'Grüße für € 100', text: 'hello', html: '' },
    },
    {
      what: 'Latin-1 encoded words and a windows-1252 quoted-printable body',
      head: [
        'Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= =?ISO-8859-1?Q?_aus_K=F6ln?=',
        'Content-Type: text/plain; charset=windows-1252',
        'Content-Transfer-Encoding: quoted-printable',
      ],
      body: ['Preis: 100 =80, Stra=DFe=', ' 1'],
      expected: { subject: 'Grüße aus Köln', text: 'Preis: 100 €, Straße 1', html: '' },
    },
    {
      what: 'a text/plain attachment before the body',
      head: ['Subject: attached first', 'Content-Type: multipart/mixed; boundary="b1"'],
      body: [
        '--b1',
        'Content-Type: text/plain; name="log.txt"',
        'Content-Disposition: attachment; filename="log.txt"',
        '',
        'the attachment',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'the body',
        '--b1--',
      ],
      expected: { subject: 'attached first', text: 'the body', html: '' },
    },
    {
      what: 'an HTML-only message',
      head: ['Subject: html only', 'Content-Type: text/html; charset=utf-8'],
      body: ['<p>only html</p>'],
      expected: { subject: 'html only', text: '', html: '<p>only html</p>' },
    },
  ])('decodes $what', async ({ head, body, expected }) => {
    const raw = [
      'From: a@example.com',
      'To: b@example.com',
      'MIME-Version: 1.0',
      ...head,
      '',
      ...body,
      '',
    ].join('\r\n');
    await mailer.sendMail({ envelope: { from: 'a@example.com', to: ['b@example.com'] }, raw });

    const email = await catcher.waitFor(() => true);
    expect(email).toMatchObject(expected);
  });

  it('formats address headers as written, groups included, and keeps the last repeated header', async () => {
    const raw = [
      'Received: from first.example by catcher',
      'Received: from second.example by catcher',
      'From: =?UTF-8?Q?B=C3=BCcher_&_Co?= <shop@example.com>',
      'To: undisclosed-recipients:;',
      'Bcc: Auditors: audit@example.com, "Ops \\"night\\" desk" <ops@example.com>;',
      'Cc: "Doe, Jane" <jane@example.com>, bob@example.com',
      'Subject: addresses',
      '',
      'body',
      '',
    ].join('\r\n');
    await mailer.sendMail({ envelope: { from: 'shop@example.com', to: ['x@example.com'] }, raw });

    const email = await catcher.waitFor(() => true);
    expect(email).toMatchObject({
      envelope: { from: 'shop@example.com', to: ['x@example.com'] },
      from: 'Bücher & Co <shop@example.com>',
      to: 'undisclosed-recipients:;',
      subject: 'addresses',
      text: 'body',
    });
    expect(email.headers.cc).toBe('"Doe, Jane" <jane@example.com>, bob@example.com');
    expect(email.headers.bcc).toBe(
      'Auditors: audit@example.com, "Ops \\"night\\" desk" <ops@example.com>;',
    );
    expect(email.headers.received).toBe('from second.example by catcher');
  });

  it('answers a message mailparser refuses with a 4xx and records nothing', async () => {
    const raw = `From: a@example.com\r\nX-Huge: ${'a'.repeat(1_100_000)}\r\n\r\nbody\r\n`;
    await expect(
      mailer.sendMail({ envelope: { from: 'a@example.com', to: ['b@example.com'] }, raw }),
    ).rejects.toMatchObject({ responseCode: 450 });
    expect(catcher.messages).toHaveLength(0);
  });

  it('waits for a message that has not arrived yet', async () => {
    const waiting = catcher.waitFor((m) => m.subject === 'later');
    await mailer.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'earlier' });
    await mailer.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'later' });

    await expect(waiting).resolves.toMatchObject({ subject: 'later' });
    expect(catcher.messages.map((m) => m.subject)).toEqual(['earlier', 'later']);
  });

  it('rejects after the timeout, listing what did arrive', async () => {
    await mailer.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'unrelated' });

    await expect(catcher.waitFor((m) => m.subject === 'never', 20)).rejects.toThrow(
      'SMTP catcher: waited 20 ms for an email matching the predicate; received 1: "unrelated"',
    );
  });

  it('refuses connections with a 4xx reply until told to accept them again', async () => {
    catcher.refuseConnections();
    await expect(
      mailer.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'refused' }),
    ).rejects.toMatchObject({ responseCode: 421 });
    expect(catcher.messages).toHaveLength(0);

    catcher.acceptConnections();
    await mailer.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'accepted' });
    expect(catcher.messages.map((m) => m.subject)).toEqual(['accepted']);
  });

  it('holds senders until released', async () => {
    catcher.hold();
    let settled = false;
    const sending = mailer
      .sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'held' })
      .finally(() => (settled = true));

    await catcher.waitForHeld(1);
    expect(settled).toBe(false);
    expect(catcher.messages).toHaveLength(0);

    catcher.release();
    await sending;
    expect(catcher.heldCount).toBe(0);
    expect(catcher.messages.map((m) => m.subject)).toEqual(['held']);
  });

  it('refuses held messages on request: the sender gets a 451, nothing is kept', async () => {
    catcher.hold();
    const sending = mailer.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'x' });
    await catcher.waitForHeld(1);
    catcher.refuseHeld();
    await expect(sending).rejects.toMatchObject({ responseCode: 451 });
    expect(catcher.messages).toHaveLength(0);
  });

  it('keeps held messages without replying: accepted here, the sender never hears', async () => {
    catcher.hold();
    let settled = false;
    const sender = createTransport({ url: catcher.url, socketTimeout: 500 } as never);
    const sending = sender
      .sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'kept' })
      .finally(() => (settled = true));
    await catcher.waitForHeld(1);
    catcher.keepHeldWithoutReply();
    expect(catcher.messages.map((m) => m.subject)).toEqual(['kept']);
    expect(settled).toBe(false);
    await expect(sending).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    sender.close();
  });
});
