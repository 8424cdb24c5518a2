/** The part of Mailpit's REST API the suite reads: the stored messages' recipients and subjects. */
export interface MailpitMessage {
  ID: string;
  To: { Address: string }[];
  Subject: string;
}

export class MailpitApi {
  constructor(readonly url: string) {}

  async messages(): Promise<MailpitMessage[]> {
    const response = await fetch(`${this.url}/api/v1/messages?limit=1000`);
    if (!response.ok) throw new Error(`Mailpit answered ${response.status}`);
    return ((await response.json()) as { messages: MailpitMessage[] }).messages;
  }

  async about(orderId: string): Promise<MailpitMessage[]> {
    return (await this.messages()).filter((message) => message.Subject.includes(orderId));
  }

  /** Polls until the order's email is stored (once), or fails after `timeoutMs`. */
  async waitForOrder(orderId: string, timeoutMs = 15_000): Promise<MailpitMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await this.about(orderId);
      if (found.length > 0) return found[0];
      if (Date.now() > deadline) throw new Error(`no email about order ${orderId} in Mailpit`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
