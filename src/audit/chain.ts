import type { Db, Queryable } from '../db/index.js';
import { ledgerChain, sealBlock, sealLedger, sealLog, verifyLedgerChain, verifyLog, type Anchor, type ChainReport } from '../ledger/index.js';
import { auditChain } from './sql.js';

/** Chains every audit row whose transaction has ended (decision 59). Returns how many it sealed. */
export function sealAuditLog(db: Db): Promise<number> {
  return sealLog(db, auditChain);
}

/** The first audit row changed, deleted or inserted since it was sealed, if any. */
export function verifyAuditLog(db: Queryable, anchor?: Anchor): Promise<ChainReport> {
  return verifyLog(db, auditChain, anchor);
}

/** Seals both chained logs: the sealing step a scheduler or `pointbook audit seal` runs. */
export async function sealAll(db: Db): Promise<{ audit: number; ledger: number }> {
  return { audit: await sealAuditLog(db), ledger: await sealLedger(db) };
}

/** One block of one chained log, sealed in the caller's transaction: a step of the scheduled `seal` job. */
export function sealNextBlock(tx: Queryable, log: 'audit' | 'ledger'): Promise<{ rows: number; more: boolean }> {
  return sealBlock(tx, log === 'audit' ? auditChain : ledgerChain);
}

export { verifyLedgerChain };
