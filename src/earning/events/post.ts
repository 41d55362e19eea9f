import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../../db/index.js';
import { applyOperations, toPosted, type LedgerOp, type Posted } from '../../ledger/index.js';
import { rejectLedger } from './rejection.js';

/**
 * Posts an event's ledger operations inside the event's transaction. A ledger refusal rejects the
 * whole event (the pipeline rolls it back); `tolerate` lists statuses that are fine for this event
 * (e.g. nothing_to_forfeit) and come back as undefined.
 */
export async function postForEvent(
  tx: Queryable,
  ops: readonly LedgerOp[],
  now: Temporal.Instant,
  tolerate: readonly string[] = [],
): Promise<(Posted | undefined)[]> {
  const results = await applyOperations(tx, ops, now);
  return results.map((result) => {
    if (result.status === 'created' || result.status === 'replayed') return toPosted(result);
    if (tolerate.includes(result.status)) return undefined;
    return rejectLedger(result);
  });
}

export async function postOne(tx: Queryable, op: LedgerOp, now: Temporal.Instant): Promise<Posted> {
  const [posted] = await postForEvent(tx, [op], now);
  if (!posted) throw new Error('assertion failed: a posted operation has a result');
  return posted;
}
