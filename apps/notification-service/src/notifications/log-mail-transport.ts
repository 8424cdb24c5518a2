import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { MailTransport, type OutgoingEmail } from './mail-transport.js';

/** Used when `SMTP_URL` is unset: each email is written to the log, readable, and not sent. */
export class LogMailTransport extends MailTransport implements OnApplicationBootstrap {
  readonly kind = 'log';
  private readonly logger = new Logger('Mail');

  onApplicationBootstrap(): void {
    this.logger.warn('SMTP_URL is unset: emails are written to this log instead of being sent');
  }

  send(email: OutgoingEmail): Promise<void> {
    this.logger.log(
      [
        'Email (not sent: SMTP_URL is unset)',
        `From: ${email.from}`,
        `To: ${email.to}`,
        `Subject: ${email.subject}`,
        `X-Notification-Id: ${email.notificationId}`,
        '',
        email.text,
      ].join('\n'),
    );
    return Promise.resolve();
  }
}
