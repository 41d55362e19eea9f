import type { RefusalCode } from '../../errors.js';
import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../../db/index.js';
import { toRefusal, type LedgerResult } from '../../ledger/index.js';
import { isMemberAt, listMemberships } from '../../members/index.js';

/**
 * A business "no" to one event: the event changes nothing and its result says why. Thrown by a
 * handler and caught by the pipeline, which rolls that event back alone.
 */
export class EventRejection extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'EventRejection';
  }
}

export function reject(code: RefusalCode, message: string): never {
  throw new EventRejection(code, message);
}

/** A ledger refusal inside an event rejects the event with the ledger's code and message. */
export function rejectLedger(result: LedgerResult): never {
  const error = toRefusal(result);
  throw new EventRejection(error.code, error.message);
}


/** Points are earned only by someone who was a member when it happened. */
export async function requireMemberAt(tx: Queryable, memberId: string, at: Temporal.Instant): Promise<void> {
  if (!isMemberAt(await listMemberships(tx, memberId), at)) reject('not_a_member', `The member was not a member at ${at}`);
}
