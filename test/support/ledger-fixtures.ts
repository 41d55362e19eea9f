// Factories and direct reads for the ledger's tests. Each test builds the accounts it needs with
// `givenAccount`; nothing is shared between tests but the database, so every member id is new.
import assert from 'node:assert/strict';
import { Temporal } from 'temporal-polyfill';
import { statement, type Queryable } from '../../src/db/index.js';
import { newId } from '../../src/ids.js';
import { seededRandom as mulberry32 } from '../../bench/random.js';
import {
  applyOperations,
  openAccount,
  post,
  type CreditOp,
  type DebitOp,
  type ForfeitOp,
  type HoldOp,
  type LedgerOp,
  type LedgerResult,
  type Posted,
  type ReverseOp,
  type SettleOp,
} from '../../src/ledger/index.js';

/** "Now" for every ledger test, unless a test moves it on purpose. */
export const T0 = Temporal.Instant.from('2026-04-01T00:00:00Z');

/** T0 moved by whole days (negative: before T0). */
export function day(n: number): Temporal.Instant {
  return T0.add({ hours: 24 * n });
}

/** When `givenAccount` opens accounts and credits by default: early enough that any lot expiring before T0 was valid then. */
export const OPENED = day(-400);

export const PROGRAM = 'test-program';
export const ACTOR = 'test:ledger';

export function newMemberId(): string {
  return newId('mbr');
}

export function newKey(label = 'op'): string {
  return `${label}:${newId('key')}`;
}

type Extra<T> = Partial<Omit<T, 'op' | 'member'>>;

export function credit(member: string, points: number, extra: Extra<CreditOp> = {}): CreditOp {
  return { op: 'credit', member, points, key: newKey('credit'), actor: ACTOR, ...extra };
}

export function debit(member: string, points: number, extra: Extra<DebitOp> = {}): DebitOp {
  return { op: 'debit', member, points, key: newKey('debit'), actor: ACTOR, ...extra };
}

export function hold(member: string, points: number, extra: Extra<HoldOp> = {}): HoldOp {
  return { op: 'hold', member, points, key: newKey('hold'), actor: ACTOR, ...extra };
}

export function confirm(member: string, transaction: string, extra: Extra<SettleOp> = {}): SettleOp {
  return { op: 'confirm', member, transaction, key: newKey('confirm'), actor: ACTOR, ...extra };
}

export function cancel(member: string, transaction: string, extra: Extra<SettleOp> = {}): SettleOp {
  return { op: 'cancel', member, transaction, key: newKey('cancel'), actor: ACTOR, ...extra };
}

export function reverse(member: string, transaction: string, extra: Extra<ReverseOp> = {}): ReverseOp {
  return { op: 'reverse', member, transaction, key: newKey('reverse'), actor: ACTOR, ...extra };
}

export function forfeit(member: string, extra: Extra<ForfeitOp> = {}): ForfeitOp {
  return { op: 'forfeit', member, key: newKey('forfeit'), actor: ACTOR, ...extra };
}

/** One operation through `ledger_apply`, its result as a value (refusals included). */
export async function apply(db: Queryable, op: LedgerOp, now: Temporal.Instant = T0): Promise<LedgerResult> {
  const [result] = await applyOperations(db, [op], now);
  assert.ok(result, 'one result for one operation');
  return result;
}

export interface CreditSpec {
  points: number;
  /** Undefined: never expires. */
  expiresAt?: Temporal.Instant;
  lotClass?: string;
  /** When the credit is posted; OPENED unless given (so a lot may already be due at T0). */
  at?: Temporal.Instant;
}

export interface GivenAccount {
  member: string;
  /** One per credit, in the order given. */
  credits: Posted[];
}

/** A fresh member account holding the given credits. */
export async function givenAccount(db: Queryable, spec: { credits?: CreditSpec[] } = {}): Promise<GivenAccount> {
  const member = newMemberId();
  await openAccount(db, member, PROGRAM, OPENED);
  const credits: Posted[] = [];
  for (const c of spec.credits ?? []) {
    const extra: Extra<CreditOp> = {};
    if (c.expiresAt) extra.expiresAt = c.expiresAt;
    if (c.lotClass) extra.lotClass = c.lotClass;
    credits.push(await post(db, credit(member, c.points, extra), c.at ?? OPENED));
  }
  return { member, credits };
}

/** How a lot's expiry reads in assertions: the ISO instant, or 'never'. */
export function expiryLabel(instant: Temporal.Instant | undefined): string {
  return instant ? instant.toString() : 'never';
}

export interface LotRow {
  expiresAt: string;
  lotClass: string;
  remaining: number;
  expired: number;
}

const lotsOf = statement('test.lotsOf', `
  select nullif(expires_at, 'infinity') as expires_at, lot_class, remaining, expired
  from ledger_lots where member_id = $1 order by expires_at, lot_class`);

/** The member's lots, earliest expiry first. */
export async function readLots(db: Queryable, member: string): Promise<LotRow[]> {
  const rows = await db.query<{ expires_at: Temporal.Instant | null; lot_class: string; remaining: number; expired: number }>(
    lotsOf,
    [member],
  );
  return rows.map((r) => ({ expiresAt: expiryLabel(r.expires_at ?? undefined), lotClass: r.lot_class, remaining: r.remaining, expired: r.expired }));
}

export interface AllocationRow {
  expiresAt: string;
  lotClass: string;
  remainingDelta: number;
  expiredDelta: number;
}

const allocationsOf = statement('test.allocationsOf', `
  select nullif(expires_at, 'infinity') as expires_at, lot_class, remaining_delta, expired_delta
  from ledger_allocations where member_id = $1 and journal_id = $2 order by expires_at, lot_class`);

/** The buckets one transaction filled, consumed, expired or restored, earliest expiry first. */
export async function readAllocations(db: Queryable, member: string, journalId: string): Promise<AllocationRow[]> {
  const rows = await db.query<{
    expires_at: Temporal.Instant | null;
    lot_class: string;
    remaining_delta: number;
    expired_delta: number;
  }>(allocationsOf, [member, journalId]);
  return rows.map((r) => ({
    expiresAt: expiryLabel(r.expires_at ?? undefined),
    lotClass: r.lot_class,
    remainingDelta: r.remaining_delta,
    expiredDelta: r.expired_delta,
  }));
}

const postingsOf = statement('test.postingsOf', `
  select account, amount from ledger_postings where member_id = $1 and journal_id = $2 order by account`);

/** One transaction's postings as { account: amount }. */
export async function readPostings(db: Queryable, member: string, journalId: string): Promise<Record<string, number>> {
  const rows = await db.query<{ account: string; amount: number }>(postingsOf, [member, journalId]);
  return Object.fromEntries(rows.map((r) => [r.account, r.amount]));
}

const footprintOf = statement('test.footprintOf', `
  select (select count(*) from ledger_journal where member_id = $1) as journal,
         (select count(*) from ledger_postings where member_id = $1) as postings,
         (select count(*) from ledger_allocations where member_id = $1) as allocations,
         (select coalesce(jsonb_agg(to_jsonb(l) order by l.expires_at, l.lot_class), '[]') from ledger_lots l where member_id = $1) as lots,
         (select coalesce(jsonb_agg(to_jsonb(h) order by h.journal_id), '[]') from ledger_holds h where member_id = $1) as holds,
         (select to_jsonb(a) from ledger_accounts a where member_id = $1) as account`);

/** Everything the ledger holds for a member, to prove that a refusal wrote nothing. */
export async function readFootprint(db: Queryable, member: string): Promise<Record<string, unknown>> {
  const [row] = await db.query<Record<string, unknown>>(footprintOf, [member]);
  assert.ok(row, 'the footprint query returns one row');
  return row;
}

/** A promise with its resolve function outside, to hold a transaction open from a test. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A small seeded generator (mulberry32), so a failing seed reproduces. */
export function seededRandom(seed: number): { int(min: number, max: number): number; pick<T>(items: readonly T[]): T } {
  const next = mulberry32(seed);
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    int,
    pick<T>(items: readonly T[]): T {
      const item = items[int(0, items.length - 1)];
      assert.ok(item !== undefined, 'pick from a non-empty list');
      return item;
    },
  };
}
