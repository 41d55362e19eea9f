import type { Temporal } from 'temporal-polyfill';
import type { Db } from '../db/index.js';
import { assert, refusal } from '../errors.js';
import { newId } from '../ids.js';
import { post } from '../ledger/index.js';
import type { Program } from '../programs/index.js';
import { claimKey, replayOf, requestHash } from './idempotency.js';
import * as sql from './sql.js';
import type { RedemptionRow } from './sql.js';
import { pointsPerMinorUnit, valueOf, type Money } from './value.js';

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
export async function refund(db: Db, input: RefundInput, ctx: { now: Temporal.Instant; actor: string }): Promise<{ receipt: RefundReceipt; replayed: boolean }> {
  const { program, memberId } = input;
  const key = `refund:${input.idempotencyKey}`;
  const hash = requestHash({ redemptionId: input.redemptionId, points: input.points });
  return db.transaction(async (tx) => {
    await claimKey(tx, memberId, key);
    const [stored] = await tx.query<{ request_hash: string; result: RefundReceipt }>(sql.findRefundByKey, [memberId, input.idempotencyKey]);
    const replay = replayOf(stored, hash);
    if (replay !== undefined) return { receipt: replay, replayed: true };
    const [redemption] = await tx.query<RedemptionRow>(sql.getForUpdate, [memberId, input.redemptionId]);
    if (!redemption) throw refusal('not_found', `Member ${memberId} has no redemption ${input.redemptionId}`);
    const points = refundablePoints(program, redemption, input.points);
    const [counted] = await tx.query<{ refunded: number }>(sql.addRefunded, [memberId, redemption.id, points]);
    assert(counted, 'the locked redemption has the points left to refund');
    const id = newId('rfd');
    const posted = await post(
      tx,
      {
        op: 'reverse',
        member: memberId,
        key,
        kind: 'refund',
        transaction: redemption.transaction_id,
        points,
        reason: `SR-5: refund for order ${redemption.order_id ?? redemption.id}`,
        actor: ctx.actor,
        metadata: { redemption: redemption.id, refund: id, orderId: redemption.order_id },
      },
      ctx.now,
    );
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
      memberId, id, redemption.id, points, receipt.value.amountMinor, posted.transactionId, input.idempotencyKey, hash,
      JSON.stringify(receipt), ctx.now.toString(), ctx.actor,
    ]);
    return { receipt, replayed: false };
  });
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
  const step = program.redemption?.checkout?.step ?? pointsPerMinorUnit(program.pointValue);
  if (points % step !== 0) {
    throw refusal('invalid_step', `Points go in steps of ${step}; ${points} is not a multiple of ${step}`, { step, requested: points });
  }
  return points;
}
