/** The programs domain: definitions as YAML files, validated on load, and their calendar arithmetic. */
export {
  ProgramSchema,
  ExpirySchema,
  type ExpiryPolicy,
  type Program,
  type ProgramDefinition,
} from './schema.js';
export { billingMonthStart, nextBillingMonth } from './calendar.js';
export { expiresAtFor, fiscalYearEnd, fiscalYearOf, type ProgramCalendar, type ProgramExpiry } from './expiry.js';
export { loadProgramFile, loadPrograms, ProgramLoadError, type ProgramLoadProblem } from './load.js';
export { createRegistry, type ProgramRegistry } from './registry.js';
export { syncPrograms } from './store.js';
export { conditionFor, conditionScopes, type ConditionScope } from './conditions.js';
export {
  TiersSchema,
  EarningSchema,
  defaultClawback,
  defaultCreditOn,
  defaultLocale,
  contactChannels,
  requestChannels,
  type ConsentConfig,
  type ContactChannel,
  type RequestChannel,
  type Locale,
  type SignUpKind,
  defaultPromotionStacking,
  defaultTenureFrom,
  type TierConfig,
  type TierRow,
  type EarningConfig,
  type SpendRuleConfig,
  type PromotionConfig,
  type EnrolmentBonusConfig,
  type MonthlyGrantConfig,
  type PartnerConfig,
  type RoundingMode,
  type AmountPart,
  type ForfeitEvent,
} from './schema.js';
// Kept here for the folders that import them from programs; they live in src/definitions.
export { formatProblem, locate, positionOf, type DefinitionPath, type Position } from '../definitions/index.js';
export { programName } from './names.js';
