// Earning: events in → rules → ledger transactions. The pure rules (no I/O), and the entry points
// other folders call: the event pipeline and the enrolment bonus. Returns and partial shipments
// use orders/lines.ts (cumulative flooring per line).
export {
  maxOrderLines,
  pointsForOrder,
  type Explanation,
  type LinePoints,
  type MemberFacts,
  type OrderInput,
  type OrderLineInput,
  type OrderPoints,
  type OrderPointsResult,
  type PointsPart,
} from './order-points.js';
export { isUpgrade, tenureYearsOf, tierFor, type TierDecision, type TierFacts } from './tiers.js';
export { enrolmentBonusFor, type EnrolmentBonusDecision, type EnrolmentFacts, type MembershipPeriod } from './enrolment-bonus.js';
export { grantFor, type ContractFacts, type GrantDecision } from './monthly-grant.js';
export { applyEvents, type EventResult } from './events/apply.js';
export { EventEnvelope, eventTypes, type EventType } from './events/types.js';
export { awardEnrolmentBonus, type BonusOutcome } from './enrolment.js';
export { billFor, recordBill, type Bill } from './bills.js';
