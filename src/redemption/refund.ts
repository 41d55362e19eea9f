import type { Temporal } from 'temporal-polyfill';
import type { Db, Queryable } from '../db/index.js';
import { assert, refusal } from '../errors.js';
import { newId } from '../ids.js';
import { lockMemberLedger, post } from '../ledger/index.js';
import type { Program } from '../programs/index.js';
import { publishPointsPosted } from '../webhooks/index.js';
import { claimKey, replayOf, requestHash } from './idempotency.js';
import * as sql from './sql.js';
import type { RedemptionRow } from './sql.js';
import { pointsPerMinorUnit, valueOf, type Money } from './value.js';

type Ctx = { now: Temporal.Instant; actor: string };

export interface RefundInput {
  program: Program;
  memberId: string;
  redemptionId: string;
  /** Undefined: everything not yet refunded. */
  points?: number | undefined;
  /** The caller's Idempotency-Key; the ledger reversal's key is `refund:<key>`. */
  idempotencyKey: string;
}

/** The answer to a refund, as first given (kept for replays). */
export interface RefundReceipt {
  id: string;
  redemptionId: string;
  points: number;
  value: Money;
  /** Points refunded on the redemption so far, this refund included. */
  refundedPoints: number;
  /** The ledger reversal. */
  transactionId: string;
  balance: { available: number; pending: number };
  createdAt: string;
}

/**
 * SR-5: a cancelled or returned order gives the points that paid for it back, in part or whole:
 * the ledger reverses that much of the redemption's debit (to the buckets it consumed; points
 * whose bucket expired since come back expired). Refusals, in order: `not_found`,
 * `not_refundable` (only checkout payments are refunded), `exceeds_original`, `invalid_step`;
 * none writes anything. Never more than was redeemed, at any concurrency: the redemption row is
 * locked and its refunded counter guarded.
 */
export async function refund(db: Db, input: RefundInput, ctx: Ctx): Promise<{ receipt: RefundReceipt; replayed: boolean }> {
  const { program, memberId, idempotencyKey } = input;
  const hash = requestHash({ redemptionId: input.redemptionId, points: input.points });
  return db.transaction(async (tx) => {
    const replay = await claimRefundKey(tx, memberId, idempotencyKey, hash);
    if (replay !== undefined) return { receipt: replay, replayed: true };
    const [redemption] = await tx.query<RedemptionRow>(sql.getForUpdate, [memberId, input.redemptionId]);
    if (!redemption) throw refusal('not_found', `Member ${memberId} has no redemption ${input.redemptionId}`);
    const points = refundablePoints(program, redemption, input.points);
    const receipt = await refundLocked(tx, { program, memberId, redemption, points, idempotencyKey, hash }, ctx);
    return { receipt, replayed: false };
  });
}

/** SR-5: how much of an order has come back — all of it, or its returned units' share by amount. */
export type OrderReturned = { all: true } | { all: false; amountMinor: number; ofMinor: number };

export interface OrderRefundInput {
  program: Program;
  memberId: string;
  /** The shop's order id: the `orderId` of checkout redemptions and of order events alike. */
  orderId: string;
  returned: OrderReturned;
  /** The order event: it names each refund (`order-event:<id>:<redemption id>`) and dates it. */
  event: { id: string; occurredAt: Temporal.Instant };
}


type Payment = Pick<RedemptionRow, 'id' | 'kind' | 'points' | 'refunded' | 'transaction_id' | 'order_id'>;

/**
 * SR-5 from order events: refunds the member's checkout payments of an order, in the caller's
 * transaction (the event's), so the refund stands or falls with the event. Only this member's
 * payments are touched. Each payment ends with at least `orderRefundPoints` refunded; refunds
 * made by hand count toward it. Each refund's Idempotency-Key is `order-event:<event id>:<redemption
 * id>`: a resent event (which the event pipeline already answers as a duplicate) never refunds twice.
 * Refusals (a key in flight or reused by hand) are thrown and roll the event back.
 */
export async function refundOrder(tx: Queryable, input: OrderRefundInput, ctx: Ctx): Promise<{ points: number; refunds: RefundReceipt[] }> {
  const { program, memberId, event } = input;
  // A checkout debits under the member's ledger lock and records its payment before it commits:
  // read the payments only once that lock is ours, or a checkout committing meanwhile is never
  // refunded though its points come back after this return's (found by D1's races).
  await lockMemberLedger(tx, memberId);
  const payments = await tx.query<Payment>(sql.checkoutsOfOrder, [memberId, input.orderId]);
  const refunds: RefundReceipt[] = [];
  for (const redemption of payments) {
    const idempotencyKey = `order-event:${event.id}:${redemption.id}`;
    const hash = requestHash({ redemptionId: redemption.id, event: event.id });
    if ((await claimRefundKey(tx, memberId, idempotencyKey, hash)) !== undefined) continue;
    const points = orderRefundPoints(program, redemption, input.returned);
    if (points === 0) continue;
    refunds.push(await refundLocked(tx, { program, memberId, redemption, points, idempotencyKey, hash, event }, ctx));
  }
  return { points: refunds.reduce((sum, r) => sum + r.points, 0), refunds };
}

/**
 * SR-5: what an order event refunds of one checkout payment. Cancelled, or every unit returned:
 * everything not yet refunded, so the payment nets exactly 0. Returned in part: enough that the
 * payment has refunded its points × the returned amount's share of the order's, floored to the
 * checkout step — counting what was refunded before, by earlier returns or by hand. Pure.
 */
export function orderRefundPoints(program: Program, redemption: Pick<RedemptionRow, 'points' | 'refunded'>, returned: OrderReturned): number {
  const remaining = redemption.points - redemption.refunded;
  if (returned.all) return remaining;
  if (returned.ofMinor === 0) return 0;
  assert(returned.amountMinor >= 0 && returned.amountMinor <= returned.ofMinor, 'the returned amount is part of the order');
  const step = BigInt(checkoutStep(program));
  const owed = Number(((BigInt(redemption.points) * BigInt(returned.amountMinor)) / BigInt(returned.ofMinor) / step) * step);
  return Math.max(0, Math.min(owed - redemption.refunded, remaining));
}

/** The points a refund gives back, or the refusal that says why not. Pure. */
export function refundablePoints(program: Program, redemption: Pick<RedemptionRow, 'id' | 'kind' | 'points' | 'refunded'>, asked: number | undefined): number {
  if (redemption.kind !== 'checkout') {
    throw refusal('not_refundable', `Redemption ${redemption.id} is a ${redemption.kind}; only checkout payments are refunded`, { kind: redemption.kind });
  }
  const remaining = redemption.points - redemption.refunded;
  const points = asked ?? remaining;
  if (points <= 0 || points > remaining) {
    throw refusal('exceeds_original', `Only ${remaining} points of redemption ${redemption.id} remain to refund; ${points} were asked`, {
      remaining,
      requested: points,
    });
  }
  const step = checkoutStep(program);
  if (points % step !== 0) {
    throw refusal('invalid_step', `Points go in steps of ${step}; ${points} is not a multiple of ${step}`, { step, requested: points });
  }
  return points;
}

function checkoutStep(program: Program): number {
  return program.redemption?.checkout?.step ?? pointsPerMinorUnit(program.pointValue);
}

/**
 * Claims a refund's Idempotency-Key for this transaction (the ledger's lock on `refund:<key>`) and
 * returns the kept receipt of an earlier refund with it, if any; `idempotency_key_in_flight` and
 * `idempotency_key_reused` are refused.
 */
async function claimRefundKey(tx: Queryable, memberId: string, idempotencyKey: string, hash: string): Promise<RefundReceipt | undefined> {
  await claimKey(tx, memberId, `refund:${idempotencyKey}`);
  const [stored] = await tx.query<{ request_hash: string; result: RefundReceipt }>(sql.findRefundByKey, [memberId, idempotencyKey]);
  return replayOf(stored, hash);
}

interface LockedRefund {
  program: Program;
  memberId: string;
  /** Locked by the caller, who decided `points` from it. */
  redemption: Pick<RedemptionRow, 'id' | 'transaction_id' | 'order_id'>;
  points: number;
  idempotencyKey: string;
  hash: string;
  /** Set when an order event refunds: the reversal is dated at the event and names it. */
  event?: { id: string; occurredAt: Temporal.Instant };
}

/**
 * Every refund, by hand or from an order event: counts the points on the locked redemption (the
 * guard refuses to pass what was redeemed), reverses that much of its ledger debit and keeps the
 * receipt under the Idempotency-Key, in the caller's transaction.
 */
async function refundLocked(tx: Queryable, r: LockedRefund, ctx: Ctx): Promise<RefundReceipt> {
  const { program, memberId, redemption, points, event } = r;
  const [counted] = await tx.query<{ refunded: number }>(sql.addRefunded, [memberId, redemption.id, points]);
  assert(counted, 'the locked redemption has the points left to refund');
  const id = newId('rfd');
  const posted = await post(
    tx,
    {
      op: 'reverse',
      member: memberId,
      key: `refund:${r.idempotencyKey}`,
      kind: 'refund',
      transaction: redemption.transaction_id,
      points,
      reason: `SR-5: refund for order ${redemption.order_id ?? redemption.id}`,
      actor: ctx.actor,
      metadata: { redemption: redemption.id, refund: id, orderId: redemption.order_id, ...(event ? { event: event.id } : {}) },
      ...(event ? { occurredAt: event.occurredAt } : {}),
    },
    ctx.now,
  );
  await publishPointsPosted(tx, { program: program.key, type: 'points.credited', memberId, kind: 'refund', posted, occurredAt: event?.occurredAt }, ctx);
  const receipt: RefundReceipt = {
    id,
    redemptionId: redemption.id,
    points,
    value: valueOf(program, points),
    refundedPoints: counted.refunded,
    transactionId: posted.transactionId,
    balance: { available: posted.available, pending: posted.pending },
    createdAt: ctx.now.toString(),
  };
  await tx.query(sql.insertRefund, [
    memberId, id, redemption.id, points, receipt.value.amountMinor, posted.transactionId, r.idempotencyKey, r.hash,
    JSON.stringify(receipt), ctx.now.toString(), ctx.actor,
  ]);
  return receipt;
}
