import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../db/index.js';
import { assert } from '../errors.js';
import { maxAttemptsDefault, nextAttemptAt } from './retry.js';
import * as sql from './sql.js';

/** pino's logger fits. Lines carry message ids and reply codes, never addresses, URLs or bodies. */
export interface DelivererLog {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** A message as claimed for one attempt. Email uses recipient, subject and body; webhooks the rest too. */
export interface ClaimedMessage {
  id: string;
  recipient: string;
  subject: string | null;
  body: string | null;
  attempts: number;
  /** Webhooks: the event type. Email: the template. */
  template: string;
  webhookId: string | null;
  eventId: string | null;
}

/**
 * Sends one claimed message. Resolves when the far end accepted it (with its reply code, if it
 * gave one); throws when it did not: the message is retried with backoff, or at once given up when
 * the error is `Undeliverable`. Must give up well within the claim's lease (5 minutes, sql.ts).
 */
export type Send = (message: ClaimedMessage) => Promise<{ responseCode?: number | undefined }>;

/** A failure no retry can mend (the webhook was disabled): the message is given up at once. */
export class Undeliverable extends Error {
  readonly code = 'undeliverable';
}

export interface DelivererOptions {
  /** The database itself, not a transaction: each claim and outcome commits on its own. */
  db: Db;
  channel: 'email' | 'webhook';
  /** Undefined: nothing is sent and messages wait in the outbox. */
  send: Send | undefined;
  clock: Clock;
  log: DelivererLog;
  /** Attempts after which a message is given up; default 8 (`retry.ts`). */
  maxAttempts?: number;
}

/** What one call did: messages sent, and sends that failed (each retried later or given up). */
export interface DeliveryCounts {
  sent: number;
  failed: number;
}

export interface Deliverer {
  /** Sends due messages of the channel one by one, up to `limit` (default 50), until none is due. */
  deliverPending(limit?: number): Promise<DeliveryCounts>;
  /** Delivers soon, after the caller's commit. Kicks while a delivery runs make one more run, not one each. */
  kick(): void;
  /** Delivers now and then every `intervalMs` (default a minute): retries, and messages of other processes. */
  start(intervalMs?: number): void;
  /** Stops starting sends, and resolves when the sends under way have finished and been recorded. */
  stop(): Promise<void>;
}

const defaultLimit = 50;

/**
 * The outbox's claim-send-record loop for one channel, shared by the mailer and the webhook
 * deliverer. Several processes may run one each: a message is claimed under a lease (sql.ts), so
 * two never send it at the same time. Delivery is at least once: a process that dies between the
 * send and recording it leaves the claim to lapse, and the message is sent again. Failures are
 * retried after 1, 2, 4, … minutes (`retry.ts`, on `clock`), and given up after `maxAttempts`.
 */
export function createDeliverer(options: DelivererOptions): Deliverer {
  const { db, channel, send, clock, log } = options;
  const maxAttempts = options.maxAttempts ?? maxAttemptsDefault;
  assert(Number.isSafeInteger(maxAttempts) && maxAttempts >= 1, 'a message is attempted at least once');

  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let draining = false;
  let again = false;

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  async function sendOne(via: Send): Promise<'sent' | 'failed' | 'none'> {
    const token = randomBytes(12).toString('hex');
    const [message] = await db.query<ClaimedMessage>(sql.claimNext, [channel, clock.now().toString(), token]);
    if (!message) return 'none';
    assert(message.body !== null, 'a pending message has its body');
    let responseCode: number | undefined;
    try {
      ({ responseCode } = await via(message));
    } catch (error) {
      await recordFailure(message, token, error);
      return 'failed';
    }
    const recorded = await db.query(sql.markSent, [message.id, token, clock.now().toString(), responseCode ?? null]);
    if (recorded.length === 0) log.error({ messageId: message.id }, 'outbox: claim lapsed during the send; the message may go out twice');
    return 'sent';
  }

  async function recordFailure(message: ClaimedMessage, token: string, error: unknown): Promise<void> {
    const { code, responseCode, text } = describeError(error);
    const failedAt = clock.now();
    const [state] = await db.query<{ status: string }>(sql.markFailed, [
      message.id,
      token,
      text,
      nextAttemptAt(failedAt, message.attempts + 1).toString(),
      error instanceof Undeliverable ? 0 : maxAttempts,
      responseCode ?? null,
    ]);
    const fields = { messageId: message.id, attempts: message.attempts + 1, code, responseCode };
    log.error(fields, state?.status === 'failed' ? 'outbox: send failed; given up' : 'outbox: send failed; will retry');
  }

  async function deliver(limit: number): Promise<DeliveryCounts> {
    assert(Number.isSafeInteger(limit) && limit >= 1, 'a delivery sends at least one message');
    const counts: DeliveryCounts = { sent: 0, failed: 0 };
    while (send && !stopped && counts.sent + counts.failed < limit) {
      const outcome = await sendOne(send);
      if (outcome === 'none') break;
      counts[outcome] += 1;
    }
    return counts;
  }

  // One run at a time per process; a kick during a run asks for one more run after it.
  async function drain(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    do {
      again = false;
      const startedMs = performance.now();
      const total: DeliveryCounts = { sent: 0, failed: 0 };
      try {
        for (let more = true; more && !stopped; ) {
          const counts = await deliver(defaultLimit);
          total.sent += counts.sent;
          total.failed += counts.failed;
          more = counts.sent + counts.failed === defaultLimit;
        }
      } catch (error) {
        // A fault (the database is unreachable): logged here, at the edge; the next run retries.
        const { code, text } = describeError(error);
        log.error({ channel, code, error: text }, 'outbox: delivery run failed');
      }
      if (total.sent + total.failed > 0) log.info({ channel, ...total, durationMs: Math.round(performance.now() - startedMs) }, 'outbox: delivered');
    } while (again && !stopped);
    draining = false;
  }

  function kick(): void {
    if (stopped || !send) return;
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    void track(drain());
  }

  function start(intervalMs = 60_000): void {
    assert(Number.isSafeInteger(intervalMs) && intervalMs >= 1000, 'the retry interval is at least a second');
    if (stopped || !send || timer) return;
    kick();
    timer = setInterval(kick, intervalMs);
    timer.unref();
  }

  async function stop(): Promise<void> {
    stopped = true;
    if (timer) clearInterval(timer);
    await Promise.allSettled([...inFlight]);
  }

  return { deliverPending: (limit = defaultLimit) => track(deliver(limit)), kick, start, stop };
}

/** The SMTP, HTTP or system code, and a short text for `last_error` (which may name the address; logs may not). */
function describeError(error: unknown): { code: string | undefined; responseCode: number | undefined; text: string } {
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const responseCode =
    typeof error === 'object' && error !== null && 'responseCode' in error && typeof error.responseCode === 'number' ? error.responseCode : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return { code, responseCode, text: `${code ?? 'error'}${responseCode ? ` ${responseCode}` : ''}: ${message}`.slice(0, 1000) };
}
