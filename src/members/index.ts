// Members: who belongs to which program, their personal data, membership periods, contracts,
// account links and status. See README.md.
export type { Member, PostalAddress } from './member.js';
export { enrolMember, type EnrolInput, type Enrolment } from './enrol.js';
export { getMember } from './get.js';
export { findByExternalId, membersAtPage } from './find.js';
export { searchMembers, type FoundMember } from './search.js';
export { listMemberships, endMembership, isMemberAt, type MembershipPeriod } from './memberships.js';
export {
  recordContract,
  endContract,
  listContracts,
  getContract,
  contractsInForcePage,
  endedContractsPage,
  type ContractCursor,
  type MemberContract,
  type Contract,
  type ContractChange,
  type ContractStatus,
} from './contracts.js';
export { linkAccount, listLinks, findByLink, type AccountLink } from './links.js';
export { getStatus, setStatus, listStatusChanges, statusChangeOf, type StatusChange } from './statuses.js';
export { normaliseAccessKey, normaliseAddress, normaliseEmail, normaliseName, normalisePhone } from './normalise.js';
export { erasePersonalData, type MemberErasure } from './personal-data.js';
export { lineOrigins, sharedDataRoles, type LineDetails, type LineDevice, type LineOrigin, type LinePerson, type SharedDataRole } from './line.js';
