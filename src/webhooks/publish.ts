import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { newId } from '../ids.js';
import type { LedgerOp, Posted } from '../ledger/index.js';
import { enqueueWebhookDeliveries } from '../notifications/index.js';
import { assertIdsOnly, type WebhookEventData, type WebhookEventType, type WebhookPayload } from './events.js';
import * as sql from './sql.js';

type Ctx = { now: Temporal.Instant; actor: string };

export interface WebhookEvent<T extends WebhookEventType> {
  program: string;
  type: T;
  /** When it happened in the business (an event's time, a status month's start); usually now. */
  occurredAt: Temporal.Instant;
  /** Ids and amounts only (asserted): no names, emails, phones or addresses. */
  data: WebhookEventData[T];
}

/**
 * Writes an event for every active subscription of its program and type, in the caller's
 * transaction: the deliveries exist iff the change that caused them commits, and nothing is sent
 * here (the webhook deliverer sends after the commit, at least once). One statement when nobody
 * subscribes, two otherwise. Returns the event's id (undefined when nobody subscribes) and the
 * number of deliveries written.
 */
export async function publishWebhookEvent<T extends WebhookEventType>(
  q: Queryable,
  event: WebhookEvent<T>,
  ctx: Ctx,
): Promise<{ eventId: string | undefined; deliveries: number }> {
  assertIdsOnly(event.data);
  const subscribers = await q.query<{ id: string; url: string }>(sql.subscribersOf, [event.program, event.type]);
  if (subscribers.length === 0) return { eventId: undefined, deliveries: 0 };
  const eventId = newId('evt');
  const payload: WebhookPayload<T> = { id: eventId, type: event.type, program: event.program, occurredAt: event.occurredAt.toString(), data: event.data };
  const memberId = 'memberId' in event.data && typeof event.data.memberId === 'string' ? event.data.memberId : null;
  await enqueueWebhookDeliveries(q, { eventId, type: event.type, body: JSON.stringify(payload), memberId, subscribers }, ctx);
  return { eventId, deliveries: subscribers.length };
}

export interface PointsPosting {
  program: string;
  type: 'points.credited' | 'points.debited';
  memberId: string;
  /** The ledger's word for the transaction: adjustment, redeem, refund, earn, … */
  kind: string;
  posted: Posted;
  /** Default: now. */
  occurredAt?: Temporal.Instant | undefined;
}

/**
 * `points.credited` / `points.debited` for one posted ledger operation. A replay (the same
 * idempotency key again) changed nothing and publishes nothing.
 */
export async function publishPointsPosted(q: Queryable, p: PointsPosting, ctx: Ctx): Promise<void> {
  if (p.posted.replayed) return;
  const { transactionId, points, available, pending } = p.posted;
  const data = { memberId: p.memberId, transactionId, points, kind: p.kind, balance: { available, pending } };
  await publishWebhookEvent(q, { program: p.program, type: p.type, occurredAt: p.occurredAt ?? ctx.now, data }, ctx);
}

/**
 * The points events of an upstream event's ledger operations (`earning/events/post.ts`), all of
 * one program (the event's), only for operations that moved available points. Credits and confirmed holds are `points.credited`; debits, forfeits and
 * reversals `points.debited` — the event pipeline reverses only what orders earned (SR-6); refunds
 * of redemptions, which reverse debits, publish their own `points.credited` (`redemption/refund.ts`).
 * Holds and their cancellations move pending points only and publish nothing.
 */
export async function publishLedgerPostings(
  q: Queryable,
  program: string,
  ops: readonly LedgerOp[],
  posted: readonly (Posted | undefined)[],
  now: Temporal.Instant,
): Promise<void> {
  for (const [index, op] of ops.entries()) {
    const result = posted[index];
    const type = pointsEventOf(op.op);
    if (!result || !type || result.replayed) continue;
    const posting = { program, type, memberId: op.member, kind: op.kind ?? op.op, posted: result, occurredAt: op.occurredAt };
    await publishPointsPosted(q, posting, { now, actor: op.actor });
  }
}

function pointsEventOf(op: LedgerOp['op']): PointsPosting['type'] | undefined {
  switch (op) {
    case 'credit':
    case 'confirm':
      return 'points.credited';
    case 'debit':
    case 'forfeit':
    case 'reverse':
      return 'points.debited';
    case 'hold':
    case 'cancel':
      return undefined;
  }
}
