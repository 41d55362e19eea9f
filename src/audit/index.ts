// The audit log (RELIABILITY J1, J2): who changed what, written with each change, and hash-chained
// by a sealer. See README.md.
export { auditScope, withAuditScope, withJobScope, type AuditScope } from './scope.js';
export { auditWrites } from './audited-db.js';
export { listAudit, type AuditEntry, type AuditFilter } from './read.js';
export { sealAll, sealNextBlock, sealAuditLog, verifyAuditLog, verifyLedgerChain } from './chain.js';
