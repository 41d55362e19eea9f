/**
 * An in-memory model of one member's ledger (RELIABILITY.md D1): what `ledger_apply` must do, written
 * again as plainly as possible from the rules in src/ledger/README.md, so the suite can compare the
 * database with it after every command. Instants are epoch milliseconds; a lot is named by its
 * expiry (one lot class). Plain data throughout, so `structuredClone` copies it for each
 * serialization order a race may have taken.
 */

export interface Lot {
  remaining: number;
  expired: number;
}

/** A credit or confirm: the lot it filled, and what reversals took back. */
export interface CreditRecord {
  bucket: number;
  points: number;
  reversed: number;
}

/** A debit or forfeit: per lot, the points a reversal may still give back. */
export interface DebitRecord {
  points: number;
  reversed: number;
  /** Per lot, what the debit took (its allocations; never changes). */
  taken: Map<number, number>;
  restorable: Map<number, number>;
}

export interface HoldRecord {
  points: number;
  confirmed: number;
  cancelled: number;
}

export interface LedgerState {
  available: number;
  pending: number;
  lots: Map<number, Lot>;
  /** Journal rows: every transaction, expiries included. */
  journal: number;
  credits: Map<string, CreditRecord>;
  debits: Map<string, DebitRecord>;
  holds: Map<string, HoldRecord>;
}

export type LedgerRefusal = 'insufficient_points' | 'exceeds_original' | 'nothing_to_forfeit';

export function emptyLedger(): LedgerState {
  return { available: 0, pending: 0, lots: new Map(), journal: 0, credits: new Map(), debits: new Map(), holds: new Map() };
}

function lotOf(s: LedgerState, bucket: number): Lot {
  let lot = s.lots.get(bucket);
  if (!lot) s.lots.set(bucket, (lot = { remaining: 0, expired: 0 }));
  return lot;
}

const byExpiry = (s: LedgerState) => [...s.lots.entries()].sort(([a], [b]) => a - b);

/** FL-8: every lot due at `now` expires, one transaction per lot (lazily before a debit, or by the job). */
export function expireDue(s: LedgerState, now: number): number {
  let points = 0;
  for (const [bucket, lot] of byExpiry(s)) {
    if (lot.remaining <= 0 || bucket > now) continue;
    s.available -= lot.remaining;
    lot.expired += lot.remaining;
    points += lot.remaining;
    lot.remaining = 0;
    s.journal += 1;
  }
  return points;
}

/** Points of lots due at `now` that no job has expired yet: the balance read leaves them out. */
export function duePoints(s: LedgerState, now: number): number {
  let due = 0;
  for (const [bucket, lot] of s.lots) if (bucket <= now) due += lot.remaining;
  return due;
}

/** Takes points from unexpired lots, earliest expiry first; returns what it took from each. */
function consume(s: LedgerState, points: number, now: number): Map<number, number> {
  const taken = new Map<number, number>();
  let left = points;
  for (const [bucket, lot] of byExpiry(s)) {
    if (left === 0) break;
    if (lot.remaining <= 0 || bucket <= now) continue;
    const take = Math.min(lot.remaining, left);
    lot.remaining -= take;
    taken.set(bucket, take);
    left -= take;
  }
  if (left !== 0) throw new Error(`model: lots do not cover the balance (${left} short)`);
  return taken;
}

export function credit(s: LedgerState, handle: string, points: number, bucket: number): void {
  s.available += points;
  s.journal += 1;
  lotOf(s, bucket).remaining += points;
  s.credits.set(handle, { bucket, points, reversed: 0 });
}

/** What is available once the lots due at `now` have expired: what a debit may take. */
function availableAfterExpiry(s: LedgerState, now: number): number {
  return s.available - duePoints(s, now);
}

// A refused debit or reversal is decided before anything changes: the system rolls its lazy
// expiry back with it (the caller's transaction), so the model keeps the state as it was.
export function debit(s: LedgerState, handle: string, points: number, now: number): LedgerRefusal | undefined {
  if (availableAfterExpiry(s, now) < points) return 'insufficient_points';
  expireDue(s, now);
  s.available -= points;
  s.journal += 1;
  const taken = consume(s, points, now);
  s.debits.set(handle, { points, reversed: 0, taken, restorable: new Map(taken) });
  return undefined;
}

export function forfeit(s: LedgerState, handle: string, now: number): LedgerRefusal | undefined {
  expireDue(s, now);
  if (s.available <= 0) return 'nothing_to_forfeit';
  const points = s.available;
  s.available = 0;
  s.journal += 1;
  const taken = consume(s, points, now);
  s.debits.set(handle, { points, reversed: 0, taken, restorable: new Map(taken) });
  return undefined;
}

export function hold(s: LedgerState, handle: string, points: number): void {
  s.pending += points;
  s.journal += 1;
  s.holds.set(handle, { points, confirmed: 0, cancelled: 0 });
}

/** SR-3: pending points become available in a lot of their own expiry (a credit to reverse later). */
export function confirm(s: LedgerState, holdHandle: string, handle: string, points: number, bucket: number): void {
  const h = required(s.holds.get(holdHandle), holdHandle);
  if (points > h.points - h.confirmed - h.cancelled) throw new Error('model: confirm beyond the hold');
  h.confirmed += points;
  s.pending -= points;
  credit(s, handle, points, bucket);
}

export function cancel(s: LedgerState, holdHandle: string, points: number): void {
  const h = required(s.holds.get(holdHandle), holdHandle);
  if (points > h.points - h.confirmed - h.cancelled) throw new Error('model: cancel beyond the hold');
  h.cancelled += points;
  s.pending -= points;
  s.journal += 1;
}

/**
 * SR-6: taking credited points back. What of the credit's lot already expired is reclaimed from
 * the expired points; the rest comes from the credit's own lot first, then earliest expiry first.
 */
export function reverseCredit(s: LedgerState, handle: string, points: number, now: number): LedgerRefusal | undefined {
  const c = required(s.credits.get(handle), handle);
  if (points <= 0 || points > c.points - c.reversed) return 'exceeds_original';
  const due = s.lots.get(c.bucket);
  const expiredAfterExpiry = c.bucket <= now && due ? due.expired + due.remaining : 0;
  const reclaimed = Math.min(points, expiredAfterExpiry);
  const need = points - reclaimed;
  if (need > 0 && availableAfterExpiry(s, now) < need) return 'insufficient_points';
  expireDue(s, now);
  const lot = lotOf(s, c.bucket);
  s.available -= need;
  s.journal += 1;
  c.reversed += points;
  lot.expired -= reclaimed;
  let own = 0;
  if (need > 0 && c.bucket > now) {
    own = Math.min(lot.remaining, need);
    lot.remaining -= own;
  }
  consume(s, need - own, now);
  return undefined;
}

/** SR-5: giving debited points back to the lots they came from, latest expiry first; an expired lot takes them as expired. */
export function reverseDebit(s: LedgerState, handle: string, points: number, now: number): LedgerRefusal | undefined {
  const d = required(s.debits.get(handle), handle);
  if (points <= 0 || points > d.points - d.reversed) return 'exceeds_original';
  expireDue(s, now);
  let left = points;
  for (const [bucket, restorable] of [...d.restorable.entries()].sort(([a], [b]) => b - a)) {
    if (left === 0) break;
    const take = Math.min(restorable, left);
    if (take <= 0) continue;
    const lot = lotOf(s, bucket);
    if (bucket > now) {
      lot.remaining += take;
      s.available += take;
    } else {
      lot.expired += take;
    }
    d.restorable.set(bucket, restorable - take);
    left -= take;
  }
  if (left !== 0) throw new Error('model: a debit cannot give back more than it took');
  d.reversed += points;
  s.journal += 1;
  return undefined;
}

export function openCredit(s: LedgerState, handle: string): number {
  const c = required(s.credits.get(handle), handle);
  return c.points - c.reversed;
}

function required<T>(value: T | undefined, handle: string): T {
  if (value === undefined) throw new Error(`model: no transaction ${handle}`);
  return value;
}
