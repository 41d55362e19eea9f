// Privacy (issue #7): a member's personal data out as JSON, and erasure by pseudonym. Owns
// `privacy_erasures`; every other table is read or erased through the domain that owns it. See README.md.
export { exportPersonalData, exportFormatVersion, type PersonalDataExport } from './export.js';
export { eraseMember, type Erasure } from './erase.js';
export { sections, exemptTables, coveredTables, sectionsSchema } from './sections.js';
export { pseudonymFor, type Person } from './person.js';
export type { Section } from './section.js';
