import type { Temporal } from 'temporal-polyfill';
import { sealNextBlock } from '../audit/index.js';
import type { Db } from '../db/index.js';
import { runChunked, type JobContext, type JobOutcome } from './chunked.js';
import { ALL_PROGRAMS } from './expire.js';

const logs = ['audit', 'ledger'] as const;

/**
 * The hourly seal (decision 74): extends the audit log's and the ledger's hash chains over every
 * row committed before the run, one block per transaction, so tampering with anything older than
 * an hour is named by `pointbook audit verify` / `ledger verify` without anyone running
 * `pointbook audit seal` by hand. The cursor is the log being sealed: sealing is idempotent (a
 * resumed run finds the rows a killed one sealed already chained), and a chunk never seals its own
 * transaction's rows, which have not ended.
 */
export function runSeal(db: Db, asOf: Temporal.Instant, ctx: JobContext): Promise<JobOutcome> {
  return runChunked(db, { program: ALL_PROGRAMS, job: 'seal', period: asOf.toString() }, ctx, async (tx, cursor) => {
    const index = cursor === null ? 0 : Number(cursor);
    const log = logs[index];
    if (!log) return undefined;
    const block = await sealNextBlock(tx, log);
    return { cursor: String(block.more ? index : index + 1), counts: { [`${log}_rows`]: block.rows } };
  });
}
