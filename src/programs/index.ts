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
