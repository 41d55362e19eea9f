import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../../db/index.js';
import { assert } from '../../errors.js';
import { applyOperations, toPosted, type LedgerOp, type Posted } from '../../ledger/index.js';
import { publishLedgerPostings } from '../../webhooks/index.js';
import type { Program } from '../../programs/index.js';
import type { HandlerInput, Outcome } from './handlers.js';
import { rejectLedger } from './rejection.js';

/**
 * Posts an event's ledger operations inside the event's transaction. A ledger refusal rejects the
 * whole event (the pipeline rolls it back); `tolerate` lists statuses that are fine for this event
 * (e.g. nothing_to_forfeit) and come back as undefined.
 */
export async function postForEvent(
  tx: Queryable,
  program: Program,
  ops: readonly LedgerOp[],
  now: Temporal.Instant,
  tolerate: readonly string[] = [],
): Promise<(Posted | undefined)[]> {
  const results = await applyOperations(tx, ops, now);
  const posted = results.map((result) => {
    if (result.status === 'created' || result.status === 'replayed') return toPosted(result);
    if (tolerate.includes(result.status)) return undefined;
    return rejectLedger(result);
  });
  await publishLedgerPostings(tx, program.key, ops, results, now);
  return posted;
}

export async function postOne(tx: Queryable, program: Program, op: LedgerOp, now: Temporal.Instant): Promise<Posted> {
  const [posted] = await postForEvent(tx, program, [op], now);
  assert(posted, 'a posted operation has a result');
  return posted;
}

/**
 * Forfeits every available point when the program's `forfeitOn` lists this event type (FL-10).
 * `key` names what ended (the contract, the membership), so a resent event or the forfeit job
 * never forfeits twice. A member with nothing to forfeit is fine.
 */
export async function forfeitIfConfigured(
  tx: Queryable,
  input: HandlerInput,
  forfeit: { key: string; reason: string; cause: string; metadata: Record<string, unknown> },
  ctx: { now: Temporal.Instant; actor: string },
): Promise<Outcome> {
  const { program, memberId, event } = input;
  if (!(program.earning?.forfeitOn?.some((trigger) => trigger === event.type) ?? false)) return { points: 0 };
  const [forfeited] = await postForEvent(
    tx,
    program,
    [
      {
        op: 'forfeit',
        member: memberId,
        key: forfeit.key,
        kind: 'forfeit',
        reason: forfeit.reason,
        occurredAt: event.occurredAt,
        actor: ctx.actor,
        metadata: { ...forfeit.metadata, event: event.id },
      },
    ],
    ctx.now,
    ['nothing_to_forfeit'],
  );
  return forfeited ? { points: -forfeited.points, message: `${forfeit.cause}: ${forfeited.points} points forfeited` } : { points: 0 };
}
