import type { Db } from '../db/index.js';
import { grantFor } from '../earning/monthly-grant.js';
import { applyOperations, type LedgerOp } from '../ledger/index.js';
import { contractsInForcePage } from '../members/index.js';
import { billingMonthStart, expiresAtFor, type Program } from '../programs/index.js';
import { publishLedgerPostings } from '../webhooks/index.js';
import { chunkRows, contractCursor, type JobContext, type JobOutcome, parseContractCursor, runChunked, tally } from './chunked.js';

const PAGE = 5_000;

/**
 * FL-2: the fixed monthly points by contract type, for every contract in force at the start of
 * the billing month whose rule holds (commitment discount, in service). Keyed per rule, month and
 * contract, so a re-run, a resume after a crash, or a second server grants nothing twice; each
 * chunk's `points.credited` events commit with its grants (a replayed grant publishes none).
 */
export async function runMonthlyGrant(db: Db, program: Program, month: string, ctx: JobContext): Promise<JobOutcome> {
  const grantAt = billingMonthStart(program, month);
  const expiresAt = expiresAtFor(program, grantAt);
  return runChunked(db, { program: program.key, job: 'monthly-grant', period: month }, ctx, async (tx, cursor) => {
    const after = parseContractCursor(cursor);
    const page = await contractsInForcePage(tx, program.key, grantAt, after, chunkRows(db, PAGE));
    const last = page.at(-1);
    if (!last) return undefined;
    const ops: LedgerOp[] = [];
    let none = 0;
    for (const { memberId: member, contract } of page) {
      const decision = grantFor(program, contract, { id: member }, month);
      if (!('points' in decision)) {
        none += 1;
        continue;
      }
      ops.push({
        op: 'credit',
        member,
        key: `grant:${decision.rule}:${month}:${contract.id}`,
        kind: 'grant',
        points: decision.points,
        counter: 'program:grant',
        reason: `FL-2: monthly points for ${contract.type}, ${month}`,
        occurredAt: grantAt,
        actor: ctx.actor,
        metadata: { rule: decision.rule, month, contractId: contract.id },
        ...(expiresAt ? { expiresAt } : {}),
      });
    }
    const results = await applyOperations(tx, ops, ctx.now);
    await publishLedgerPostings(tx, program.key, ops, results, ctx.now);
    return {
      cursor: contractCursor(last),
      counts: { contracts: page.length, not_eligible: none, ...tally(results.map((r) => r.status)) },
    };
  });
}
