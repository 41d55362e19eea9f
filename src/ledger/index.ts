// The points ledger: the only writer of points. Other domains call these functions and never
// touch the ledger_* tables. See README.md for what it owns and the invariants it keeps.
export type {
  LedgerOp,
  CreditOp,
  DebitOp,
  HoldOp,
  SettleOp,
  ReverseOp,
  ForfeitOp,
  LedgerResult,
  LedgerStatus,
  ProgramAccount,
} from './operations.js';
export { applyOperations, post, toPosted, toRefusal, type Posted } from './apply.js';
export { openAccount } from './accounts.js';
export { getBalance, getBalanceForUpdate, lockMemberLedger, type Balance } from './balance.js';
export { listTransactions, getTransaction, type LedgerTransaction } from './history.js';
export { expireDueChunk, expiriesOf, type ExpiryChunk, type Expiry, type DueExpiry } from './expire.js';
export { pointsEarnedBetween } from './earned.js';
export { verifyLedger, invariants, type Violation } from './verify.js';
export { createLedgerWriter, type LedgerWriter, type WriterOptions } from './writer.js';
export { programLiability, type Liability, type LiabilityFlows, type LiabilityMonth, type LiabilityRequest } from './liability.js';
export { MAX_LIABILITY_MONTHS } from './liability-period.js';
export { sealLog, sealBlock, verifyLog, type ChainedLog, type ChainReport, type Anchor } from './chain.js';
export { ledgerChain, sealLedger, verifyLedgerChain } from './seal.js';
