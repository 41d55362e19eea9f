// Redemption: what members spend points on — bill credit (FL-4), catalog rewards (FL-3, FL-6) and
// payment at checkout (SR-5) — behind a step-up (FL-5). Points move only through the ledger.
// See README.md.
export { redeem, type RedeemInput, type Redeemed } from './redeem.js';
export { refund, refundOrder, type OrderRefundInput, type OrderReturned, type RefundInput, type RefundReceipt } from './refund.js';
export { listRedemptions } from './history.js';
export { billCreditUsage, type BillCreditUsage } from './bill-credit-usage.js';
export { listRewards, type RewardListing } from './catalog.js';
export { issueStepUpKey, type IssuedStepUpKey } from './step-up.js';
export { retireEndedStepUpKeys } from './step-up-retention.js';
export { exportBillCredits, billCreditCsvHeader, type BillCreditExport } from './bill-credit-export.js';
export type { RedemptionRequest } from './plan.js';
export type { Redemption, RedemptionReceipt, StepUpMethod } from './redemption.js';
export type { Money } from './value.js';
export { allRedemptionsOf, eraseRedemptionData, refundsOf, stepUpFailuresOf, stepUpKeysOf } from './personal-data.js';
