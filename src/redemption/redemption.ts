import type { Temporal } from 'temporal-polyfill';
import type { PostalAddress } from '../members/index.js';
import type { RedemptionKind } from '../programs/schema.js';
import type { RedemptionRow, StepUpMethod } from './sql.js';
import type { Money } from './value.js';

export type { StepUpMethod } from './sql.js';

/** What a member spent points on, as it stands now (refunds and fulfilment included). */
export interface Redemption {
  id: string;
  kind: RedemptionKind;
  points: number;
  value: Money;
  /** SR-5: points given back so far (checkout only). */
  refundedPoints: number;
  /** The ledger debit. */
  transactionId: string;
  /** FL-4: the billing month the credit goes on (bill credit only). */
  billingMonth: string | null;
  /** FL-4: the member's contract (line) the credit goes on, when known (bill credit only). */
  contractId: string | null;
  rewardId: string | null;
  orderId: string | null;
  /** FL-6: a catalog reward's fulfilment; the address as it was when redeemed. */
  fulfilment: { status: string; shippingAddress: PostalAddress | null } | null;
  /** FL-5: how the step-up was met. */
  stepUp: StepUpMethod;
  createdAt: Temporal.Instant;
}

/**
 * The answer to a redemption, as first given: JSON, kept with the redemption so a replay with
 * the same Idempotency-Key gets it again unchanged.
 */
export type RedemptionReceipt = Omit<Redemption, 'createdAt'> & {
  createdAt: string;
  /** Right after the debit. */
  balance: { available: number; pending: number };
};

export function toRedemption(row: RedemptionRow): Redemption {
  return {
    id: row.id,
    kind: row.kind,
    points: row.points,
    value: { amountMinor: row.amount_minor, currency: row.currency },
    refundedPoints: row.refunded,
    transactionId: row.transaction_id,
    billingMonth: row.billing_month,
    contractId: row.contract_id,
    rewardId: row.reward_id,
    orderId: row.order_id,
    fulfilment: row.fulfilment_status === null ? null : { status: row.fulfilment_status, shippingAddress: row.shipping_address },
    stepUp: row.step_up,
    createdAt: row.created_at,
  };
}
