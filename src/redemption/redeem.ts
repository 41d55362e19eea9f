import type { Temporal } from 'temporal-polyfill';
import { actingDevice } from '../accounts/devices.js';
import type { Db, Queryable } from '../db/index.js';
import { assert } from '../errors.js';
import { newId } from '../ids.js';
import { post } from '../ledger/index.js';
import { listContracts, type Member } from '../members/index.js';
import type { Program } from '../programs/index.js';
import { publishPointsPosted } from '../webhooks/index.js';
import { takeOne } from './catalog.js';
import { countAgainst } from './counters.js';
import { claimKey, replayOf, requestHash } from './idempotency.js';
import { planRedemption, type RedemptionPlan, type RedemptionRequest } from './plan.js';
import type { RedemptionReceipt, StepUpMethod } from './redemption.js';
import * as sql from './sql.js';
import { meetStepUp, stepUpRefusal, stepUpRequired, type StepUpRefused } from './step-up.js';

export interface RedeemInput {
  program: Program;
  member: Member;
  request: RedemptionRequest;
  /** The caller's Idempotency-Key; the ledger debit's key is `redeem:<key>`. */
  idempotencyKey: string;
  /** FL-5: the gateway vouched that the request comes from the member's registered line. */
  trustedLine: boolean;
}

export interface Redeemed {
  receipt: RedemptionReceipt;
  replayed: boolean;
}

/**
 * Spends a member's points on a bill credit (FL-4), a catalog reward (FL-3, FL-6) or a checkout
 * payment (SR-5), in one transaction: step-up, cap or stock, the ledger debit and the record of
 * what it was for. A member's session whose device is not verified steps up for every kind
 * (decision 72); meeting it verifies the device, unless the transaction rolls back. Refusals come
 * in a fixed order (`planRedemption`'s, then `idempotency_key_in_flight` / `idempotency_key_reused`,
 * `step_up_required`, `over_limit`, `out_of_stock`, `insufficient_points`) and write nothing —
 * except that a wrong step-up key counts one failure for the day. A replay with the same key answers the first receipt unchanged.
 */
export async function redeem(db: Db, input: RedeemInput, ctx: { now: Temporal.Instant; actor: string }): Promise<Redeemed> {
  const { program, member, request } = input;
  const plan = planRedemption(program, member, request, ctx.now);
  const key = `redeem:${input.idempotencyKey}`;
  // The step-up key proves who asks, not what is asked: a retry with a new key is the same request.
  const { stepUpKey: _proof, ...asked } = request;
  const hash = requestHash(asked);
  const id = newId('rdm');
  const outcome = await db.transaction(async (tx): Promise<Redeemed | { refused: StepUpRefused; newDevice: boolean }> => {
    await claimKey(tx, member.id, key);
    const [stored] = await tx.query<{ request_hash: string; result: RedemptionReceipt }>(sql.findByKey, [member.id, input.idempotencyKey]);
    const replay = replayOf(stored, hash);
    if (replay !== undefined) return { receipt: replay, replayed: true };
    // F3 (decision 72): a member's device not verified yet steps up for every kind.
    const device = await actingDevice(tx, member.id);
    const proof = { trustedLine: input.trustedLine, key: request.stepUpKey, device };
    const stepUp = await meetStepUp(tx, program, plan.kind, member.id, proof, { now: ctx.now, redemptionId: id });
    // Returned, not thrown, so the failure a wrong key counted is committed.
    if ('refused' in stepUp) return { refused: stepUp.refused, newDevice: !device.verified && !stepUpRequired(program, plan.kind) };
    const receipt = await spend(tx, { ...input, plan, id, key, hash, stepUp: stepUp.met }, ctx);
    return { receipt, replayed: false };
  });
  if ('refused' in outcome) throw stepUpRefusal(outcome.refused, plan.kind, { newDevice: outcome.newDevice });
  return outcome;
}

interface Spend extends RedeemInput {
  plan: RedemptionPlan;
  id: string;
  key: string;
  hash: string;
  stepUp: StepUpMethod;
}

async function spend(tx: Queryable, s: Spend, ctx: { now: Temporal.Instant; actor: string }): Promise<RedemptionReceipt> {
  const { plan, member, program } = s;
  const details = detailsOf(plan);
  if (plan.kind !== 'catalog') await countAgainst(tx, member.id, plan.counter, plan.points, details);
  if (plan.kind === 'catalog') await takeOne(tx, program, plan.reward);
  const contractId = plan.kind === 'bill_credit' ? await contractFor(tx, member.id) : null;
  const posted = await post(
    tx,
    {
      op: 'debit',
      member: member.id,
      key: s.key,
      kind: 'redeem',
      points: plan.points,
      counter: 'program:redeemed',
      reason: reasonOf(plan),
      actor: ctx.actor,
      // Ids only: the ledger never holds personal data (a shipping address stays in the fulfilment).
      metadata: { redemption: s.id, redemptionKind: plan.kind, ...details },
    },
    ctx.now,
  );
  assert(!posted.replayed, `the ledger key ${s.key} was not used outside redemptions`);
  await publishPointsPosted(tx, { program: program.key, type: 'points.debited', memberId: member.id, kind: 'redeem', posted }, ctx);
  const fulfilment = plan.kind === 'catalog' ? { status: 'requested', shippingAddress: plan.shippingAddress } : null;
  const receipt: RedemptionReceipt = {
    id: s.id,
    kind: plan.kind,
    points: plan.points,
    value: plan.value,
    refundedPoints: 0,
    transactionId: posted.transactionId,
    billingMonth: plan.kind === 'bill_credit' ? plan.billingMonth : null,
    contractId,
    rewardId: plan.kind === 'catalog' ? plan.reward.id : null,
    orderId: plan.kind === 'checkout' ? plan.orderId : null,
    fulfilment,
    stepUp: s.stepUp,
    createdAt: ctx.now.toString(),
    balance: { available: posted.available, pending: posted.pending },
  };
  await tx.query(sql.insertRedemption, [
    member.id, s.id, program.key, member.externalId, plan.kind, plan.points, plan.value.amountMinor, plan.value.currency,
    posted.transactionId, s.idempotencyKey, s.hash, receipt.billingMonth, contractId, receipt.rewardId, receipt.orderId,
    s.stepUp, JSON.stringify(receipt), ctx.now.toString(), ctx.actor,
  ]);
  if (plan.kind === 'catalog') {
    const address = plan.shippingAddress === null ? null : JSON.stringify(plan.shippingAddress);
    await tx.query(sql.insertFulfilment, [member.id, s.id, plan.reward.id, address, ctx.now.toString()]);
  }
  return receipt;
}

function detailsOf(plan: RedemptionPlan): Record<string, string> {
  switch (plan.kind) {
    case 'bill_credit':
      return { billingMonth: plan.billingMonth };
    case 'catalog':
      return { rewardId: plan.reward.id };
    case 'checkout':
      return { orderId: plan.orderId };
  }
}

function reasonOf(plan: RedemptionPlan): string {
  switch (plan.kind) {
    case 'bill_credit':
      return `FL-4: bill credit for ${plan.billingMonth}`;
    case 'catalog':
      return `FL-3: ${plan.reward.names.en}`;
    case 'checkout':
      return `SR-5: payment for order ${plan.orderId}`;
  }
}

/**
 * FL-4: the line a bill credit goes on, as the member's contracts stand when it is redeemed: the
 * active contract that started first (the member's original line), or null when none is known.
 */
async function contractFor(tx: Queryable, memberId: string): Promise<string | null> {
  const contracts = await listContracts(tx, memberId);
  return contracts.find((c) => c.status === 'active')?.id ?? null;
}
