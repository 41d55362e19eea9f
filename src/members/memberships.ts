import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import * as sql from './sql.js';

export interface MembershipPeriod {
  startedAt: Temporal.Instant;
  /** Undefined while the membership lasts. */
  endedAt?: Temporal.Instant;
}

export async function listMemberships(db: Queryable, memberId: string): Promise<MembershipPeriod[]> {
  const rows = await db.query<{ started_at: Temporal.Instant; ended_at: Temporal.Instant | null }>(sql.listMemberships, [memberId]);
  return rows.map((r) => (r.ended_at ? { startedAt: r.started_at, endedAt: r.ended_at } : { startedAt: r.started_at }));
}

/** Ends the open membership period at `at`. False when the member had none open (already left). */
export async function endMembership(db: Queryable, memberId: string, at: Temporal.Instant, actor: string): Promise<boolean> {
  const rows = await db.query(sql.endMembership, [memberId, at.toString(), actor]);
  return rows.length > 0;
}

/** Whether the member is a member at `at`. */
export function isMemberAt(periods: readonly MembershipPeriod[], at: Temporal.Instant): boolean {
  return periods.some(
    (p) => p.startedAt.epochNanoseconds <= at.epochNanoseconds && (!p.endedAt || at.epochNanoseconds < p.endedAt.epochNanoseconds),
  );
}
