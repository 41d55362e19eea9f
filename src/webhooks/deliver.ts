import type { Clock } from '../clock.js';
import type { Db } from '../db/index.js';
import { assert } from '../errors.js';
import { createDeliverer, Undeliverable, type ClaimedMessage, type Deliverer, type DelivererLog } from '../notifications/index.js';
import { eventIdHeader, signatureHeader, signPayload } from './signature.js';
import * as sql from './sql.js';

export interface WebhookDelivererOptions {
  /** The database itself, not a transaction: each claim and outcome commits on its own. */
  db: Db;
  /** Signs timestamps and schedules retries: a test clock moves both. */
  clock: Clock;
  log: DelivererLog;
  /** A request that has not answered by then fails (and is retried). Default 10 s. */
  timeoutMs?: number;
  /** Attempts after which a delivery is given up; default 12. */
  maxAttempts?: number;
}

/**
 * 12 attempts: 1, 2, 4, … 32 minutes, then hourly (`notifications/retry.ts`), about seven hours in
 * all — a receiver's deploy or a night's maintenance window. Later, an operator replays.
 */
export const webhookMaxAttempts = 12;
const defaultTimeoutMs = 10_000;

/**
 * The deliverer of the outbox's webhook rows: the outbox's own claim, lease and backoff
 * (`createDeliverer`), with an HTTP POST as the send. 2xx is delivered; any other status, a
 * redirect, a network error or a timeout fails the attempt and it is retried; a subscription
 * disabled since the event gives its deliveries up at once.
 */
export function createWebhookDeliverer(options: WebhookDelivererOptions): Deliverer {
  const { db, clock, log } = options;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  assert(Number.isSafeInteger(timeoutMs) && timeoutMs >= 100 && timeoutMs <= 60_000, 'a webhook request times out within a minute');
  return createDeliverer({
    db,
    channel: 'webhook',
    clock,
    log,
    maxAttempts: options.maxAttempts ?? webhookMaxAttempts,
    send: (message) => sendWebhook(db, clock, timeoutMs, message),
  });
}

async function sendWebhook(db: Db, clock: Clock, timeoutMs: number, message: ClaimedMessage): Promise<{ responseCode: number }> {
  assert(message.webhookId !== null && message.eventId !== null && message.body !== null, 'a webhook delivery names its subscription and event');
  const [key] = await db.query<{ url: string; secret: string; disabled: boolean }>(sql.signingKey, [message.webhookId]);
  if (!key || key.disabled) throw new Undeliverable('the webhook was disabled');
  const unixSeconds = Math.floor(clock.now().epochMilliseconds / 1000);
  let response: Response;
  try {
    response = await fetch(key.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Pointbook-Webhooks/1',
        [signatureHeader]: signPayload(key.secret, message.body, unixSeconds),
        [eventIdHeader]: message.eventId,
        'Pointbook-Event-Type': message.template,
        'Pointbook-Delivery-Id': message.id,
      },
      body: message.body,
      // A redirect is not followed: it would send the signed payload somewhere nobody registered.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw networkError(error);
  }
  // The answer's body is not read: only the status counts, and a receiver cannot make us hold a
  // large one. Releasing it cannot change the outcome, so a failure to release is not the send's.
  await response.body?.cancel().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return { responseCode: response.status };
  throw Object.assign(new Error(`the receiver answered ${response.status} ${response.statusText}`.trim()), { code: 'HTTP', responseCode: response.status });
}

/** fetch's errors say "fetch failed" and keep the cause (ECONNREFUSED, a timeout) a level down. */
function networkError(error: unknown): Error {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const timedOut = error instanceof Error && error.name === 'TimeoutError';
  const code = timedOut ? 'ETIMEDOUT' : typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : 'ENETWORK';
  const message = timedOut ? 'the receiver did not answer in time' : cause instanceof Error ? cause.message : String(cause);
  return Object.assign(new Error(message), { code });
}
