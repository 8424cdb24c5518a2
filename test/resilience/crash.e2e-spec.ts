/**
 * The crash suite: both apps as real processes, killed with SIGKILL at the moments that matter
 * to the outbox and the idempotency records, then restarted; on the embedded store and on
 * PostgreSQL. After every restart each accepted order is emailed exactly once, except in the
 * one window the design leaves open (docs/adr/0020), which its own test names and counts.
 */
import { describeOnPostgres, freshDatabase } from '../support/postgres.js';
import { waitFor } from '../support/processes.js';
import { checkout, metricValue, notificationState } from '../support/shop-client.js';
import type { CaughtEmail } from '../support/smtp-catcher.js';
import { Stack, type StackOptions } from '../support/stack.js';

jest.setTimeout(120_000);

/** The suite checks out more often than a customer may (ADR 0022); limits are not its subject. */
const NO_RATE_LIMITS = { CHECKOUT_RATE_LIMIT_PER_CUSTOMER: '0', CHECKOUT_RATE_LIMIT_TOTAL: '0' };

function crashBehaviour(options: () => Promise<StackOptions>) {
  let stack: Stack;
  let token: string;

  beforeAll(async () => {
    stack = await Stack.start({ ...(await options()), env: NO_RATE_LIMITS });
    token = await stack.customerToken();
  });
  afterAll(() => stack?.stop());
  afterEach(() => {
    stack.smtp.acceptConnections();
    stack.smtp.release();
  });

  const emailsFor = (orderId: string): CaughtEmail[] =>
    stack.smtp.messages.filter((email) => email.subject.includes(orderId));
  const state = (orderId: string) => notificationState(stack.shopApi.url, token, orderId);
  const place = async () => {
    const result = await checkout(stack.shopApi.url, token);
    expect(result.status).toBe(201);
    return result.body as { orderId: string; notification: string };
  };
  const untilSent = (orderId: string, timeoutMs = 60_000) =>
    waitFor(
      `order ${orderId} to be sent`,
      timeoutMs,
      async () => (await state(orderId)) === 'sent',
    );

  it('shop-api killed between checkout and delivery: after its restart every order is emailed once', async () => {
    await stack.notificationService.stop();
    const orders = await Promise.all(Array.from({ length: 5 }, place));
    expect(orders.map((order) => order.notification)).toEqual(Array(5).fill('pending'));
    await stack.shopApi.kill();
    await stack.notificationService.start();
    await stack.shopApi.start();
    for (const { orderId } of orders) await untilSent(orderId);
    for (const { orderId } of orders) expect(emailsFor(orderId)).toHaveLength(1);
  });

  it('shop-api killed while delivering: the retry after its restart is a duplicate, one email', async () => {
    await stack.notificationService.stop();
    const { orderId } = await place();
    stack.smtp.hold();
    await stack.notificationService.start(); // the relay's next attempt reaches it and waits
    await stack.smtp.waitForHeld(1, 15_000);
    await stack.shopApi.kill(); // mid-delivery: notification-service is sending
    stack.smtp.release(); // the mail server accepts; notification-service records it
    await stack.smtp.waitFor((email) => email.subject.includes(orderId));
    await stack.shopApi.start(); // its claim ends, any relay asks again: "duplicate"
    await untilSent(orderId);
    expect(emailsFor(orderId)).toHaveLength(1);
  });

  it('notification-service killed before sending: the email goes out once after its restart', async () => {
    stack.smtp.hold();
    const { orderId, notification } = await place(); // its attempt waits at the mail server
    expect(notification).toBe('pending');
    await stack.smtp.waitForHeld(1);
    await stack.notificationService.kill();
    stack.smtp.refuseHeld(); // the mail server never accepted it
    await stack.notificationService.start();
    await untilSent(orderId); // the dead sender's lease ends, a retry sends
    expect(emailsFor(orderId)).toHaveLength(1);
  });

  it('notification-service killed after sending and recording: no second email', async () => {
    stack.smtp.hold();
    const { orderId, notification } = await place(); // shop-api gives up waiting after 2 s
    expect(notification).toBe('pending');
    const recorded = await metricValue(
      stack.notificationService.url,
      'notification_requests_total',
      {
        outcome: 'sent',
      },
    );
    stack.smtp.release();
    await waitFor('the send to be recorded', 10_000, async () => {
      const sent = await metricValue(stack.notificationService.url, 'notification_requests_total', {
        outcome: 'sent',
      });
      return sent > recorded;
    });
    await stack.notificationService.kill();
    await stack.notificationService.start();
    await untilSent(orderId);
    expect(emailsFor(orderId)).toHaveLength(1);
  });

  it('the documented window: killed after the mail server accepted, before recording it, the email goes out twice with one Message-ID', async () => {
    stack.smtp.hold();
    const { orderId } = await place();
    await stack.smtp.waitForHeld(1);
    stack.smtp.keepHeldWithoutReply(); // accepted by the mail server, no "250 OK" yet
    await stack.notificationService.kill(); // dies before it could record the send
    await stack.notificationService.start();
    await untilSent(orderId);
    const emails = emailsFor(orderId);
    expect(emails).toHaveLength(2);
    expect(emails[1].headers['message-id']).toBe(emails[0].headers['message-id']);
    expect(emails[1].headers['x-notification-id']).toBe(emails[0].headers['x-notification-id']);
    expect(
      await metricValue(stack.notificationService.url, 'notification_idempotency_takeovers_total'),
    ).toBe(1);
    process.stdout.write(
      `the documented window: order ${orderId} emailed twice, Message-ID ${emails[0].headers['message-id']}\n`,
    );
  });
}

describe('crashes on the embedded store (DATA_DIR)', () => {
  crashBehaviour(() => Promise.resolve({}));
});

describeOnPostgres('crashes on PostgreSQL (DATABASE_URL)', () => {
  crashBehaviour(async () => ({ databaseUrl: await freshDatabase('crash') }));
});
