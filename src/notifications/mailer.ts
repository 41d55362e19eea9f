import type { Transporter } from 'nodemailer';
import type { Clock } from '../clock.js';
import type { Db } from '../db/index.js';
import { assert } from '../errors.js';
import { createDeliverer, type ClaimedMessage, type Deliverer, type DelivererLog, type Send } from './deliverer.js';

export type { DeliveryCounts } from './deliverer.js';

/** pino's logger fits. Lines carry message ids and SMTP codes, never addresses or bodies. */
export type MailerLog = DelivererLog;

export interface MailerOptions {
  /** The database itself, not a transaction: each claim and outcome commits on its own. */
  db: Db;
  /** Undefined: nothing is sent and messages wait in the outbox (the server warns at start). */
  transport: Transporter | undefined;
  /** The From header, e.g. `"Flets Club" <no-reply@example.jp>`; its domain names the Message-IDs. */
  from: string;
  clock: Clock;
  log: MailerLog;
  /** Attempts after which a message is given up; default 8 (`retry.ts`). */
  maxAttempts?: number;
}

export type Mailer = Deliverer;

// A send that takes longer is aborted and counts as failed. Kept well under the claim's lease
// (5 minutes, sql.ts) so that a claim never lapses while its message is still being sent.
const sendTimeoutMs = 60_000;

/**
 * The deliverer of the outbox's email messages (`createDeliverer`: claims under a lease, retries
 * with backoff). A message sent twice after a crash keeps its Message-ID, so mail clients can tell.
 */
export function createMailer(options: MailerOptions): Mailer {
  const { db, transport, from, clock, log } = options;
  const domain = /@([^\s@<>]+)>?\s*$/.exec(from)?.[1];
  assert(domain, 'the From address has a domain');
  const send: Send | undefined = transport && ((message) => sendEmail(transport, from, domain, message));
  return createDeliverer({ db, channel: 'email', send, clock, log, maxAttempts: options.maxAttempts });
}

async function sendEmail(via: Transporter, from: string, domain: string, message: ClaimedMessage): Promise<{ responseCode?: number }> {
  assert(message.subject !== null && message.body !== null, 'an email has its subject and body');
  await via.sendMail({
    from,
    to: message.recipient,
    subject: message.subject,
    text: message.body,
    messageId: `<${message.id}@${domain}>`,
    headers: { 'Auto-Submitted': 'auto-generated' }, // RFC 3834: no vacation replies
    signal: AbortSignal.timeout(sendTimeoutMs),
  });
  return {};
}
