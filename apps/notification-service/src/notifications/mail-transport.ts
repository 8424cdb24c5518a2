/** A composed email, ready for a transport. */
export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** Sent as the `X-Notification-Id` header so an email can be traced to its request. */
  notificationId: string;
}

/** Where emails go: SMTP when `SMTP_URL` is set, otherwise the log. Also the DI token. */
export abstract class MailTransport {
  /** `smtp` or `log`, for traces and logs. */
  abstract readonly kind: 'smtp' | 'log';

  /** Resolves once the email was handed over; rejects when it could not be. */
  abstract send(email: OutgoingEmail): Promise<void>;
}
