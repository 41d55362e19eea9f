import type { Temporal } from 'temporal-polyfill';
import type { Db } from '../db/index.js';
import { applyOperations, type LedgerOp } from '../ledger/index.js';
import { endedContractsPage } from '../members/index.js';
import type { Program } from '../programs/index.js';
import { publishLedgerPostings } from '../webhooks/index.js';
import { chunkRows, contractCursor, type JobContext, type JobOutcome, parseContractCursor, runChunked, tally } from './chunked.js';

const PAGE = 5_000;

/**
 * FL-10 catch-up: forfeits the points of every member whose contract was cancelled or converted by
 * `asOf`, when the program forfeits on that. The contract events forfeit at once; this job covers
 * contracts ended while forfeiting was off or before a crash. Its keys are the events' keys
 * (`forfeit:<contract>:<status>`), so no contract end ever forfeits twice. Its `points.debited`
 * events, and `points.expired` for buckets the forfeits expired first, commit with each chunk.
 */
export async function runForfeit(db: Db, program: Program, asOf: Temporal.Instant, ctx: JobContext): Promise<JobOutcome> {
  const triggers = new Set<string>(program.earning?.forfeitOn ?? []);
  return runChunked(db, { program: program.key, job: 'forfeit', period: asOf.toString() }, ctx, async (tx, cursor) => {
    if (!triggers.has('contract.cancelled') && !triggers.has('contract.converted')) return undefined;
    const after = parseContractCursor(cursor);
    const page = await endedContractsPage(tx, program.key, asOf, after, chunkRows(db, PAGE));
    const last = page.at(-1);
    if (!last) return undefined;
    const ops: LedgerOp[] = page
      .filter(({ contract }) => triggers.has(`contract.${contract.status}`))
      .map(({ memberId: member, contract }) => ({
        op: 'forfeit',
        member,
        key: `forfeit:${contract.id}:${contract.status}`,
        kind: 'forfeit',
        reason: `FL-10: contract ${contract.id} ${contract.status}`,
        actor: ctx.actor,
        metadata: { contractId: contract.id },
      }));
    const results = await applyOperations(tx, ops, ctx.now);
    await publishLedgerPostings(tx, program.key, ops, results, ctx.now);
    return { cursor: contractCursor(last), counts: { contracts: page.length, ...tally(results.map((r) => r.status)) } };
  });
}
