import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import type { Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { transportFromUrl } from '../../src/notifications/index.js';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  messageId: string | undefined;
}

/**
 * A real SMTP server on an ephemeral port that keeps what it receives, parsed by mailparser
 * (MIME, quoted-printable, encoded words), and a nodemailer transport that sends to it.
 */
export interface Mailbox {
  readonly received: readonly ReceivedMail[];
  readonly transport: Transporter;
  /** The first message to `to` matching `test` that arrives (or has arrived), waited for up to 5 s. */
  waitFor(to: string, test?: (mail: ReceivedMail) => boolean): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function openMailbox(): Promise<Mailbox> {
  const received: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          received.push({
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            messageId: parsed.messageId,
          });
          for (const wake of waiters) wake();
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const transport = transportFromUrl(`smtp://127.0.0.1:${port}`);

  return {
    received,
    transport,
    async waitFor(to, test = () => true) {
      const find = () => received.find((mail) => mail.to.includes(to) && test(mail));
      const deadline = Date.now() + 5_000;
      for (let mail = find(); ; mail = find()) {
        if (mail) return mail;
        if (Date.now() > deadline) throw new Error(`no mail to ${to} arrived; received: ${received.map((m) => `${m.to.join(',')}: ${m.subject}`).join('; ')}`);
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            resolve();
          };
          waiters.add(wake);
          setTimeout(wake, 100);
        });
      }
    },
    async close() {
      transport.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The token of an emailed link (`…#token=…`). */
export function linkToken(mail: ReceivedMail): string {
  const match = /#token=([A-Za-z0-9_-]+)/u.exec(mail.text);
  if (!match?.[1]) throw new Error(`no link in the mail "${mail.subject}": ${mail.text}`);
  return match[1];
}
