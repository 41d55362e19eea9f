import type { Temporal } from 'temporal-polyfill';
import { statement, type Queryable } from '../db/index.js';
import { listRedemptions } from './history.js';
import type { Redemption } from './redemption.js';
import * as sql from './sql.js';

/**
 * What redemption/ holds about a member, for the personal-data export, and its erasure (privacy/,
 * issue #7). Step-up keys are listed by their times only, never their hashes.
 */

const refunds = statement('redemption.personalData.refunds', `
  select id, redemption_id, points, amount_minor, transaction_id, created_at from redemption_refunds where member_id = $1 order by id`);
const stepUpKeys = statement('redemption.personalData.stepUpKeys', `
  select id, created_at, expires_at, used_at, revoked_at from redemption_step_up_keys where member_id = $1 order by id`);
const stepUpFailures = statement('redemption.personalData.stepUpFailures', `
  select day, failures from redemption_step_up_failures where member_id = $1 order by day`);

export interface RefundRecord {
  id: string;
  redemptionId: string;
  points: number;
  amountMinor: number;
  transactionId: string;
  createdAt: Temporal.Instant;
}

export interface StepUpKeyRecord {
  id: string;
  createdAt: Temporal.Instant;
  expiresAt: Temporal.Instant;
  usedAt: Temporal.Instant | null;
  revokedAt: Temporal.Instant | null;
}

const page = 1_000;

/** Every redemption of the member, oldest first, with its fulfilment (and shipping address). */
export async function allRedemptionsOf(q: Queryable, memberId: string): Promise<Redemption[]> {
  const all: Redemption[] = [];
  let before: string | undefined;
  for (;;) {
    const batch = await listRedemptions(q, memberId, { limit: page, before });
    all.push(...batch);
    if (batch.length < page) return all.reverse();
    before = batch[batch.length - 1]?.id;
  }
}

export async function refundsOf(q: Queryable, memberId: string): Promise<RefundRecord[]> {
  const rows = await q.query<{ id: string; redemption_id: string; points: number; amount_minor: number; transaction_id: string; created_at: Temporal.Instant }>(
    refunds,
    [memberId],
  );
  return rows.map((r) => ({ id: r.id, redemptionId: r.redemption_id, points: r.points, amountMinor: r.amount_minor, transactionId: r.transaction_id, createdAt: r.created_at }));
}

export async function stepUpKeysOf(q: Queryable, memberId: string): Promise<StepUpKeyRecord[]> {
  const rows = await q.query<{ id: string; created_at: Temporal.Instant; expires_at: Temporal.Instant; used_at: Temporal.Instant | null; revoked_at: Temporal.Instant | null }>(
    stepUpKeys,
    [memberId],
  );
  return rows.map((r) => ({ id: r.id, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at, revokedAt: r.revoked_at }));
}

export async function stepUpFailuresOf(q: Queryable, memberId: string): Promise<{ day: string; failures: number }[]> {
  return q.query<{ day: string; failures: number }>(stepUpFailures, [memberId]);
}

// Erasure. The redemptions stay (they are what the ledger's debits paid for); the address goes,
// from the fulfilment and from the stored first answer that replays give, and the external id as
// it was when redeemed becomes the pseudonym. A bill credit not yet exported for billing then
// carries the pseudonym: erase after the member's last billing month has been exported.
const eraseAddresses = statement('redemption.erase.shippingAddresses', `
  update redemption_fulfilments set shipping_address = null where member_id = $1 and shipping_address is not null`);
const eraseRedemptions = statement('redemption.erase.redemptions', `
  update redemptions set external_id = $2,
    result = case when jsonb_typeof(result->'fulfilment') = 'object'
                  then jsonb_set(result, '{fulfilment,shippingAddress}', 'null'::jsonb) else result end
  where member_id = $1`);

/** Nulls shipping addresses, pseudonymizes the external id and revokes live step-up keys, in the caller's transaction. */
export async function eraseRedemptionData(tx: Queryable, input: { memberId: string; pseudonym: string }, ctx: { now: Temporal.Instant }): Promise<void> {
  await tx.query(eraseAddresses, [input.memberId]);
  await tx.query(eraseRedemptions, [input.memberId, input.pseudonym]);
  await tx.query(sql.revokeKeys, [input.memberId, ctx.now.toString()]);
}
