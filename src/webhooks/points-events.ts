import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { assert } from '../errors.js';
import { expiriesOf, toPosted, type DueExpiry, type Expiry, type LedgerOp, type LedgerResult, type Posted } from '../ledger/index.js';
import { isoString, publishWebhookEvents, type AnyWebhookEvent } from './publish.js';

type Ctx = { now: Temporal.Instant; actor: string };
type Published = AnyWebhookEvent & { actor: string };

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
 * `points.credited` / `points.debited` for one posted ledger operation, after a `points.expired`
 * for each bucket it expired first (lazy expiry). A replay (the same idempotency key again)
 * changed nothing of its own and publishes only such expiries.
 */
export async function publishPointsPosted(q: Queryable, p: PointsPosting, ctx: Ctx): Promise<void> {
  const events: Published[] = (p.posted.expired ?? []).map((e) => expiredEvent(p.program, p.memberId, e, ctx.actor));
  if (!p.posted.replayed) {
    const { transactionId, points, available, pending } = p.posted;
    const data = { memberId: p.memberId, transactionId, points, kind: p.kind, balance: { available, pending } };
    events.push({ program: p.program, type: p.type, occurredAt: p.occurredAt ?? ctx.now, data, actor: ctx.actor });
  }
  await publishWebhookEvents(q, events, ctx.now);
}

/**
 * The points events of a batch of ledger operations of one program (an upstream event's, a job's
 * chunk), in two statements at most: for each operation, a `points.expired` per bucket it expired
 * first — on any status, since those expiries commit with the batch — then, for what moved
 * available points, `points.credited` (credits, confirmed holds) or `points.debited` (debits,
 * forfeits, reversals: the event pipeline reverses only what orders earned, SR-6; refunds of
 * redemptions publish their own `points.credited`, `redemption/refund.ts`). Holds and their
 * cancellations move pending points only; replays and refusals moved nothing.
 */
export async function publishLedgerPostings(
  q: Queryable,
  program: string,
  ops: readonly LedgerOp[],
  results: readonly LedgerResult[],
  now: Temporal.Instant,
): Promise<void> {
  assert(results.length === ops.length, 'one ledger result per operation');
  const events: Published[] = [];
  for (const [index, op] of ops.entries()) {
    const result = results[index] as LedgerResult;
    for (const e of expiriesOf(result)) events.push(expiredEvent(program, op.member, e, op.actor));
    const type = pointsEventOf(op.op);
    if (!type || result.status !== 'created') continue;
    const { transactionId, points, available, pending } = toPosted(result);
    const data = { memberId: op.member, transactionId, points, kind: op.kind ?? op.op, balance: { available, pending } };
    events.push({ program, type, occurredAt: op.occurredAt ?? now, data, actor: op.actor });
  }
  await publishWebhookEvents(q, events, now);
}

/**
 * `points.expired` for the expiries of a chunk of the nightly job, in the chunk's transaction:
 * each expiry is returned once, by the chunk that wrote it, so a resumed or repeated run
 * publishes none twice and loses none.
 */
export async function publishPointsExpired(q: Queryable, expiries: readonly DueExpiry[], ctx: Ctx): Promise<{ events: number; deliveries: number }> {
  return publishWebhookEvents(q, expiries.map((e) => expiredEvent(e.program, e.memberId, e, ctx.actor)), ctx.now);
}

/** FL-8: the bucket's own expiry instant is when it happened, whenever the ledger wrote it. */
function expiredEvent(program: string, memberId: string, e: Expiry, actor: string): Published {
  return {
    program,
    type: 'points.expired',
    occurredAt: e.expiresAt,
    actor,
    data: {
      memberId,
      transactionId: e.transactionId,
      points: e.points,
      kind: 'expire',
      balance: { available: e.available, pending: e.pending },
      expiresAt: isoString(e.expiresAt),
      lotClass: e.lotClass,
    },
  };
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
