import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { MailTransport, type OutgoingEmail } from './mail-transport.js';
import { SMTP_TIMEOUTS } from './notifications.constants.js';

/**
 * Sends through nodemailer's SMTP transport, one connection per email (no pool: nothing stays
 * open between emails, so a restarted mail server is simply used by the next email).
 */
export class SmtpMailTransport extends MailTransport implements OnApplicationBootstrap {
  readonly kind = 'smtp';
  private readonly logger = new Logger('Mail');
  private readonly transporter: Transporter;

  constructor(private readonly smtpUrl: string) {
    super();
    this.transporter = createTransport({ ...SMTP_TIMEOUTS, url: smtpUrl });
  }

  onApplicationBootstrap(): void {
    // Scheme, host and port only: SMTP_URL may carry a user name and password.
    const { protocol, host } = new URL(this.smtpUrl);
    this.logger.log(`Emails are sent through ${protocol}//${host}`);
  }

  async send(email: OutgoingEmail): Promise<void> {
    await this.transporter.sendMail({
      from: email.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      // The same notification id, hence the same Message-ID, for a key's every send: the one
      // duplicate the design allows (docs/adr/0020) is recognisable, and mail stores that
      // deduplicate by Message-ID show it once.
      messageId: `<${email.notificationId}@${senderDomain(email.from)}>`,
      headers: { 'X-Notification-Id': email.notificationId },
    });
  }
}

/** The domain of `Name <user@domain>` or `user@domain`; a fixed one if there is none. */
function senderDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match ? match[1] : 'notification-service.local';
}
