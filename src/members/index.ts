// Members: who belongs to which program, and their personal data. See README.md.
export type { Member } from './member.js';
export { enrolMember, type EnrolInput } from './enrol.js';
export { getMember } from './get.js';
