import { Temporal } from 'temporal-polyfill';
import { expiresAtFor, type Program } from '../../../src/programs/index.js';
import * as L from './ledger-model.js';
import { MONTHLY_CAP } from './program.js';

/**
 * The rules above the ledger, for one member, as the model suites expect them: SR-3 orders (held,
 * confirmed on shipment, taken back on return or cancellation, up_to_available), SR-7 partner
 * points, FL-4 bill credit under a monthly cap, SR-5 checkout payments and their refunds, operator
 * adjustments and their reversals, FL-10 forfeits and FL-8 expiry. Each step returns its outcome
 * ('ok' or the refusal code) and changes the state as the system must; a refusal that rolls back
 * restores the state it started from.
 */

export interface OrderState {
  units: number;
  pointsPerUnit: number;
  shipped: number;
  returned: number;
  pending: number;
  hold: string;
  /** The order's credits (confirms), oldest first. */
  credits: string[];
  status: 'placed' | 'shipped' | 'cancelled' | 'returned';
}

export interface RedemptionState {
  kind: 'bill_credit' | 'checkout';
  points: number;
  refunded: number;
  orderId: string | null;
}

export interface MemberState {
  ledger: L.LedgerState;
  now: number;
  orders: Map<string, OrderState>;
  /** By the handle (the command's key) of the redemption. */
  redemptions: Map<string, RedemptionState>;
  /** By the handle of the adjustment: which way it went. */
  adjustments: Map<string, 'credit' | 'debit'>;
  counters: Map<string, number>;
}

/** A step with its references resolved against the state (orders, redemptions, adjustments by handle). */
export type Step =
  | { type: 'partner'; points: number }
  | { type: 'place'; units: number; pointsPerUnit: number }
  | { type: 'ship'; orderId: string; units: number | undefined }
  | { type: 'return'; orderId: string; units: number }
  | { type: 'cancel'; orderId: string }
  | { type: 'billCredit'; points: number }
  | { type: 'checkout'; orderId: string; points: number; totalYen: number }
  | { type: 'refund'; redemption: string; points: number | undefined }
  | { type: 'adjust'; points: number; expiresInMonths: number | undefined }
  | { type: 'reverse'; adjustment: string; points: number | undefined }
  | { type: 'forfeit' }
  | { type: 'expire' }
  | { type: 'clock'; to: number };

export type Outcome = 'ok' | string;

export function emptyMember(now: number): MemberState {
  return { ledger: L.emptyLedger(), now, orders: new Map(), redemptions: new Map(), adjustments: new Map(), counters: new Map() };
}

export const orderIdOf = (key: string) => `order-${key}`;

const instant = (ms: number) => Temporal.Instant.fromEpochMilliseconds(ms);
/** Calendar answers by instant: the same few instants come back for every step between two clock jumps. */
const calendar = new Map<string, number | string>();
function cached<T extends number | string>(key: string, compute: () => T): T {
  const hit = calendar.get(key);
  if (hit !== undefined) return hit as T;
  if (calendar.size > 10_000) calendar.clear();
  const value = compute();
  calendar.set(key, value);
  return value;
}

function bucketFor(program: Program, now: number): number {
  return cached(`bucket:${program.key}:${now}`, () => {
    const at = expiresAtFor(program, instant(now));
    if (!at) throw new Error('the model program always expires points');
    return at.epochMilliseconds;
  });
}

/** The end of the month `months` after now's month, in the program's zone: an adjustment's explicit expiry. */
export function monthEndAfter(program: Program, now: number, months: number): number {
  const local = instant(now).toZonedDateTimeISO(program.timeZone).toPlainDate().toPlainYearMonth().add({ months: months + 1 });
  return local.toPlainDate({ day: 1 }).toZonedDateTime({ timeZone: program.timeZone }).toInstant().epochMilliseconds;
}

export function billingMonth(program: Program, now: number): string {
  return cached(`month:${program.key}:${now}`, () => instant(now).toZonedDateTimeISO(program.timeZone).toPlainDate().toPlainYearMonth().toString());
}

/**
 * Applies one step with key `key` to `s` in place. A refusal the system rolls back (all but the
 * forfeit's, which commits its lazy expiry) is decided before the state changes, so it leaves `s` as it was.
 */
export function applyStep(program: Program, s: MemberState, step: Step, key: string): Outcome {
  return run(program, s, step, key);
}

type Result = Outcome;
const ok: Result = 'ok';
const refused = (code: string): Result => code;

function run(program: Program, s: MemberState, step: Step, key: string): Result {
  const g = s.ledger;
  switch (step.type) {
    case 'partner':
      L.credit(g, key, step.points, bucketFor(program, s.now));
      return ok;
    case 'place': {
      L.hold(g, key, step.units * step.pointsPerUnit);
      s.orders.set(orderIdOf(key), {
        units: step.units, pointsPerUnit: step.pointsPerUnit, shipped: 0, returned: 0,
        pending: step.units * step.pointsPerUnit, hold: key, credits: [], status: 'placed',
      });
      return ok;
    }
    case 'ship':
      return ship(program, s, step.orderId, step.units, key);
    case 'return':
      return takeBackOrder(s, step.orderId, step.units, key);
    case 'cancel':
      return takeBackOrder(s, step.orderId, undefined, key);
    case 'billCredit': {
      if (step.points > MONTHLY_CAP) return refused('over_limit');
      const counter = `bill_credit:${billingMonth(program, s.now)}`;
      return redeem(s, key, { kind: 'bill_credit', points: step.points, refunded: 0, orderId: null }, counter, MONTHLY_CAP);
    }
    case 'checkout': {
      const total = step.totalYen;
      if (step.points > total) return refused('over_limit');
      return redeem(s, key, { kind: 'checkout', points: step.points, refunded: 0, orderId: step.orderId }, `checkout:${step.orderId}`, total);
    }
    case 'refund': {
      const r = required(s.redemptions.get(step.redemption));
      if (r.kind !== 'checkout') return refused('not_refundable');
      const points = step.points ?? r.points - r.refunded;
      if (points <= 0 || points > r.points - r.refunded) return refused('exceeds_original');
      refundPayment(s, step.redemption, points);
      return ok;
    }
    case 'adjust': {
      if (step.points > 0) {
        const bucket = step.expiresInMonths === undefined ? bucketFor(program, s.now) : monthEndAfter(program, s.now, step.expiresInMonths);
        L.credit(g, key, step.points, bucket);
        s.adjustments.set(key, 'credit');
        return ok;
      }
      const refusal = L.debit(g, key, -step.points, s.now);
      if (refusal) return refused(refusal);
      s.adjustments.set(key, 'debit');
      return ok;
    }
    case 'reverse': {
      const way = required(s.adjustments.get(step.adjustment));
      const open = way === 'credit' ? L.openCredit(g, step.adjustment) : openDebit(g, step.adjustment);
      const points = step.points ?? open;
      const refusal = way === 'credit' ? L.reverseCredit(g, step.adjustment, points, s.now) : L.reverseDebit(g, step.adjustment, points, s.now);
      return refusal ? refused(refusal) : ok;
    }
    case 'forfeit': {
      // Straight through ledger_apply, as the forfeit job does: the lazy expiry commits even when nothing is left to forfeit.
      const refusal = L.forfeit(g, key, s.now);
      return refusal ? refused(refusal) : ok;
    }
    case 'expire':
      L.expireDue(g, s.now);
      return ok;
    case 'clock':
      s.now = Math.max(s.now, step.to);
      return ok;
  }
}

function openDebit(g: L.LedgerState, handle: string): number {
  const d = required(g.debits.get(handle));
  return d.points - d.reversed;
}

function redeem(s: MemberState, key: string, r: RedemptionState, counter: string, cap: number): Result {
  const used = s.counters.get(counter) ?? 0;
  if (used + r.points > cap) return refused('over_limit');
  const refusal = L.debit(s.ledger, key, r.points, s.now);
  if (refusal) return refused(refusal);
  s.counters.set(counter, used + r.points);
  s.redemptions.set(key, r);
  return ok;
}

function refundPayment(s: MemberState, handle: string, points: number): void {
  const r = required(s.redemptions.get(handle));
  const refusal = L.reverseDebit(s.ledger, handle, points, s.now);
  if (refusal) throw new Error(`model: a refund within what is left cannot be refused (${refusal})`);
  r.refunded += points;
}

/** SR-3: the shipped units' points become available, from the hold, in a lot of the shipment's fiscal year. */
function ship(program: Program, s: MemberState, orderId: string, units: number | undefined, key: string): Result {
  const order = required(s.orders.get(orderId));
  if (order.status === 'cancelled' || order.status === 'returned') return refused('order_closed');
  const open = order.units - order.shipped;
  const n = units ?? open;
  if (n > open) return refused('invalid_event');
  const points = Math.min(n * order.pointsPerUnit, order.pending);
  order.shipped += n;
  if (points > 0) {
    L.confirm(s.ledger, order.hold, key, points, bucketFor(program, s.now));
    order.pending -= points;
    order.credits.push(key);
  }
  if (order.shipped === order.units) order.status = 'shipped';
  return ok;
}

/**
 * SR-6 and SR-5 for a return of `units` (undefined: a cancellation): checkout payments of the
 * order are refunded first (their returned share, or all when nothing is left), then the earned
 * points come back from the hold and from the order's credits, latest first, never past what
 * the member has (up_to_available).
 */
function takeBackOrder(s: MemberState, orderId: string, units: number | undefined, key: string): Result {
  const order = required(s.orders.get(orderId));
  if (order.status === 'cancelled' || order.status === 'returned') return refused('order_closed');
  const ppu = order.pointsPerUnit;
  let points: { pending: number; credits: number };
  if (units === undefined) {
    points = { pending: order.pending, credits: order.credits.reduce((sum, c) => sum + L.openCredit(s.ledger, c), 0) };
  } else {
    if (units > order.units - order.returned) return refused('invalid_event');
    const shipped = Math.max(0, Math.min(order.returned + units, order.shipped) - order.returned);
    points = { credits: shipped * ppu, pending: (units - shipped) * ppu };
    order.returned += units;
  }
  for (const [handle, r] of s.redemptions) {
    if (r.orderId !== orderId) continue;
    const all = units === undefined || order.returned >= order.units;
    const owed = all ? r.points : Math.floor((r.points * order.returned) / order.units);
    const refund = Math.max(0, Math.min(owed - r.refunded, r.points - r.refunded));
    if (refund > 0) refundPayment(s, handle, refund);
  }
  takeBack(s, order, points, key);
  if (units === undefined) order.status = 'cancelled';
  else if (order.returned >= order.units) order.status = 'returned';
  return ok;
}

function takeBack(s: MemberState, order: OrderState, points: { pending: number; credits: number }, key: string): void {
  const g = s.ledger;
  const hold = order.pending;
  const openCredits = order.credits.reduce((sum, c) => sum + L.openCredit(g, c), 0);
  let fromHold = Math.min(points.pending, hold);
  let left = Math.min(points.credits + (points.pending - fromHold), openCredits);
  fromHold += Math.min(points.credits + points.pending - fromHold - left, hold - fromHold);
  if (fromHold > 0) {
    L.cancel(g, order.hold, fromHold);
    order.pending -= fromHold;
  }
  let budget = Math.max(0, g.available - L.duePoints(g, s.now));
  for (const credit of [...order.credits].reverse()) {
    const n = Math.min(left, L.openCredit(g, credit), budget);
    budget -= Math.max(n, 0);
    if (n <= 0) continue;
    const refusal = L.reverseCredit(g, credit, n, s.now);
    if (refusal) throw new Error(`model: an order's take-back within the budget cannot be refused (${refusal}) [${key}]`);
    left -= n;
  }
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('model: a step names what the state does not hold');
  return value;
}
