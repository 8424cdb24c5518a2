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

  it('reads the text/plain part of a multipart message', async () => {
    await mailer.sendMail({
      from: 'a@example.com',
      to: 'b@example.com',
      subject: 'both',
      text: 'the plain part',
      html: '<p>the html part</p>',
      attachments: [{ filename: 'note.txt', content: 'attached' }],
    });

    const email = await catcher.waitFor((m) => m.subject === 'both');
    expect(email.headers['content-type']).toMatch(/^multipart\/mixed/);
    expect(email.text).toBe('the plain part');
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
});
