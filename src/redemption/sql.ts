import type { Temporal } from 'temporal-polyfill';
import { statement } from '../db/index.js';
import type { PostalAddress } from '../members/index.js';
import type { RedemptionKind } from '../programs/schema.js';

// Idempotency: the same advisory lock the ledger's try-lock takes for (member, key), so holding
// it here first makes the ledger's own claim re-enter, and a concurrent twin is answered at once.
export const claimKey = statement('redemption.claimKey', `
  select pg_try_advisory_xact_lock(hashtextextended($1 || chr(31) || $2, 0)) as locked`);

export const findByKey = statement('redemption.findByKey', `
  select request_hash, result from redemptions where member_id = $1 and idempotency_key = $2`);

export const count = statement('redemption.count', `select redemption_count($1, $2, $3, $4) as used`);
export const counterUsed = statement('redemption.counterUsed', `
  select used from redemption_counters where member_id = $1 and counter = $2`);

export const takeStock = statement('redemption.takeStock', `select redemption_take_stock($1, $2, $3) as stock_left`);
export const stockTaken = statement('redemption.stockTaken', `
  select reward_id, taken from redemption_stock where program_key = $1`);

export const insertRedemption = statement('redemption.insert', `
  insert into redemptions (member_id, id, program_key, external_id, kind, points, amount_minor, currency, transaction_id,
    idempotency_key, request_hash, billing_month, contract_id, reward_id, order_id, step_up, result, created_at, actor)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`);

export const insertFulfilment = statement('redemption.insertFulfilment', `
  insert into redemption_fulfilments (member_id, redemption_id, reward_id, status, shipping_address, created_at, updated_at)
  values ($1, $2, $3, 'requested', $4, $5, $5)`);

const columns = `r.id, r.kind, r.points, r.amount_minor, r.currency, r.refunded, r.transaction_id, r.billing_month,
  r.contract_id, r.reward_id, r.order_id, r.step_up, r.created_at, f.status as fulfilment_status, f.shipping_address`;

// Newest first: ids are time-ordered. $2 is the last id of the previous page (keyset pagination).
export const list = statement('redemption.list', `
  select ${columns}
  from redemptions r left join redemption_fulfilments f on f.member_id = r.member_id and f.redemption_id = r.id
  where r.member_id = $1 and ($2::text is null or r.id < $2)
  order by r.id desc
  limit $3`);

export const getForUpdate = statement('redemption.getForUpdate', `
  select ${columns}
  from redemptions r left join redemption_fulfilments f on f.member_id = r.member_id and f.redemption_id = r.id
  where r.member_id = $1 and r.id = $2
  for update of r`);

// The guard of a refund: never more than was redeemed, whatever the concurrency.
export const addRefunded = statement('redemption.addRefunded', `
  update redemptions set refunded = refunded + $3
  where member_id = $1 and id = $2 and refunded + $3 <= points
  returning refunded`);

export const findRefundByKey = statement('redemption.findRefundByKey', `
  select request_hash, result from redemption_refunds where member_id = $1 and idempotency_key = $2`);

export const insertRefund = statement('redemption.insertRefund', `
  insert into redemption_refunds (member_id, id, redemption_id, points, amount_minor, transaction_id, idempotency_key,
    request_hash, result, created_at, actor)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`);

// FL-5: a new key revokes the member's earlier live ones, so at most one key is live per member.
export const revokeKeys = statement('redemption.revokeStepUpKeys', `
  update redemption_step_up_keys set revoked_at = $2
  where member_id = $1 and used_at is null and revoked_at is null and expires_at > $2`);

export const insertKey = statement('redemption.insertStepUpKey', `
  insert into redemption_step_up_keys (member_id, id, key_hash, expires_at, created_at, created_by)
  values ($1, $2, $3, $4, $5, $6)`);

// Single use, exact under concurrency: the row lock and the re-checked WHERE let one transaction use it.
export const useKey = statement('redemption.useStepUpKey', `
  update redemption_step_up_keys set used_at = $3, redemption_id = $4
  where member_id = $1 and key_hash = $2 and used_at is null and revoked_at is null and expires_at > $3
  returning id`);

// Retention: step-up keys that ended (expired, revoked or used) before $1, at most $2 per
// statement. An unused one is deleted; a used one stays as the record that a key authorised its
// redemption (FL-5), without its hash — six digits and a member id are easily brute-forced from it.
export const deleteEndedKeys = statement('redemption.retention.deleteEndedStepUpKeys', `
  with gone as (
    delete from redemption_step_up_keys where (member_id, id) in (
      select member_id, id from redemption_step_up_keys
      where key_hash is not null and used_at is null and least(expires_at, used_at, revoked_at) < $1 limit $2)
    returning 1)
  select count(*)::int as n from gone`);
export const forgetUsedKeyHashes = statement('redemption.retention.forgetUsedStepUpKeyHashes', `
  with forgotten as (
    update redemption_step_up_keys set key_hash = null where (member_id, id) in (
      select member_id, id from redemption_step_up_keys
      where key_hash is not null and used_at is not null and least(expires_at, used_at, revoked_at) < $1 limit $2)
    returning 1)
  select count(*)::int as n from forgotten`);

export const countAttempt = statement('redemption.countStepUpAttempt', `
  select redemption_count_step_up_attempt($1, $2, $3) as failures`);
export const giveAttemptBack = statement('redemption.giveStepUpAttemptBack', `
  update redemption_step_up_failures set failures = failures - 1 where member_id = $1 and day = $2 and failures > 0`);

// `pointbook export bill-credits`: one program's bill credits of one month, in id order after $3.
export const billCreditsPage = statement('redemption.billCreditsPage', `
  select id, external_id, contract_id, billing_month, amount_minor, currency
  from redemptions
  where program_key = $1 and billing_month = $2 and kind = 'bill_credit' and id > $3
  order by id
  limit $4`);

export type StepUpMethod = 'not_required' | 'trusted_line' | 'key';

export interface RedemptionRow {
  id: string;
  kind: RedemptionKind;
  points: number;
  amount_minor: number;
  currency: string;
  refunded: number;
  transaction_id: string;
  billing_month: string | null;
  contract_id: string | null;
  reward_id: string | null;
  order_id: string | null;
  step_up: StepUpMethod;
  created_at: Temporal.Instant;
  fulfilment_status: string | null;
  shipping_address: PostalAddress | null;
}

export interface BillCreditRow {
  id: string;
  external_id: string;
  contract_id: string | null;
  billing_month: string;
  amount_minor: number;
  currency: string;
}

// The member's checkout payments of one order, locked in id order (so two refunds of one order
// lock alike). A member has few redemptions: the primary key's member_id prefix finds them.
export const checkoutsOfOrder = statement('redemption.checkoutsOfOrderForUpdate', `
  select id, kind, points, refunded, transaction_id, order_id
  from redemptions
  where member_id = $1 and kind = 'checkout' and order_id = $2
  order by id
  for update`);
