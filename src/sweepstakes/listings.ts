import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { refusal } from '../errors.js';
import { toEntry, type Entry } from './entries.js';
import * as sql from './sql.js';

/** An entry as its member sees it: with its result once the period is drawn (SU-8). */
export interface MemberEntry extends Entry {
  result:
    | { status: 'pending' }
    | { status: 'won'; drawId: string; awardAt: Temporal.Instant; awardTransactionId: string | null; awardedAt: Temporal.Instant | null }
    | { status: 'not_won'; drawId: string }
    | { status: 'excluded'; drawId: string; exclusion: string };
}

export async function listMemberEntries(q: Queryable, memberId: string): Promise<MemberEntry[]> {
  const rows = await q.query<sql.MemberEntryRow>(sql.entriesOfMember, [memberId]);
  return rows.map((row) => ({ ...toEntry(row), result: resultOf(row) }));
}

// An alternate has not won: it may only replace a winner the operator disqualifies later.
function resultOf(row: sql.MemberEntryRow): MemberEntry['result'] {
  if (!row.draw_id || !row.award_at) return { status: 'pending' };
  if (row.outcome === 'winner') return { status: 'won', drawId: row.draw_id, awardAt: row.award_at, awardTransactionId: row.award_transaction, awardedAt: row.awarded_at };
  if (row.outcome === 'excluded' && row.exclusion) return { status: 'excluded', drawId: row.draw_id, exclusion: row.exclusion };
  return { status: 'not_won', drawId: row.draw_id };
}

/** Up to `limit` of a period's entries, oldest first, after the entry `after`. */
export async function listPeriodEntries(q: Queryable, key: string, period: string, after: string | undefined, limit: number): Promise<Entry[]> {
  const rows = await q.query<sql.EntryRow>(sql.entriesOfPeriod, [key, period, after ?? '', limit]);
  return rows.map(toEntry);
}

/**
 * SU-12: an operator excludes an entry (a suspected duplicate person, or fraud), with the reason.
 * Recorded once; a draw that has run keeps what it decided, and later draws skip the entry.
 */
export async function excludeEntry(q: Queryable, key: string, entryId: string, reason: string, ctx: { now: Temporal.Instant; actor: string }): Promise<Entry> {
  const [row] = await q.query<sql.EntryRow>(sql.excludeEntry, [key, entryId, reason, ctx.actor, ctx.now.toString()]);
  if (row) return toEntry(row);
  const [existing] = await q.query<sql.EntryRow>(sql.getEntry, [key, entryId]);
  if (!existing) throw refusal('not_found', `${key} has no entry ${entryId}`);
  throw refusal('entry_already_excluded', `Entry ${entryId} was excluded by ${existing.excluded_by}: ${existing.excluded_reason}`, {
    reason: existing.excluded_reason,
    excludedBy: existing.excluded_by,
  });
}

export interface DuplicateGroup {
  matchedOn: 'email' | 'phone' | 'postal_address';
  /** SHA-256 of the shared value: groups are told apart without showing it. */
  valueHash: string;
  entries: { id: string; memberId: string; prize: string; enteredAt: string; excluded: boolean }[];
}

/** SU-12: entries of a period by different members who share an email, a phone or a postal address. */
export async function suspectedDuplicates(q: Queryable, key: string, period: string): Promise<DuplicateGroup[]> {
  const rows = await q.query<sql.DuplicateRow>(sql.duplicateGroups, [key, period]);
  return rows.map((r) => ({ matchedOn: r.matched_on, valueHash: r.value_hash, entries: r.entries }));
}
