// Earning: events in → rules → ledger transactions. The pure rules (no I/O) are exported here.
export {
  maxOrderLines,
  pointsForOrder,
  pointsToReturn,
  type Explanation,
  type LinePoints,
  type MemberFacts,
  type OrderInput,
  type OrderLineInput,
  type OrderPoints,
  type OrderPointsResult,
  type PointsPart,
  type ReturnedLine,
  type ReturnedPoints,
  type ReturnedPointsResult,
  type ReturnRequest,
} from './order-points.js';
export { isUpgrade, tenureYearsOf, tierFor, type TierDecision, type TierFacts } from './tiers.js';
export { enrolmentBonusFor, type EnrolmentBonusDecision, type EnrolmentFacts, type MembershipPeriod } from './enrolment-bonus.js';
export { grantFor, type ContractFacts, type GrantDecision } from './monthly-grant.js';
