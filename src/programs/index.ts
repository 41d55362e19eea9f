/** The programs domain: definitions as YAML files, validated on load, and their calendar arithmetic. */
export {
  ProgramSchema,
  ExpirySchema,
  type ExpiryPolicy,
  type Program,
  type ProgramDefinition,
} from './schema.js';
export { expiresAtFor, fiscalYearEnd, fiscalYearOf, type ProgramCalendar, type ProgramExpiry } from './expiry.js';
export { formatProblem, loadProgramFile, loadPrograms, ProgramLoadError, type ProgramLoadProblem } from './load.js';
export { createRegistry, type ProgramRegistry } from './registry.js';
export { syncPrograms } from './store.js';
export { conditionFor, conditionScopes, type ConditionScope } from './conditions.js';
export {
  TiersSchema,
  EarningSchema,
  defaultClawback,
  defaultCreditOn,
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
export { locate, positionOf, type Position } from './locate.js';
export type { DefinitionPath } from './validate.js';
