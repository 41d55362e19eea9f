import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import type { Program } from '../../../src/programs/index.js';
import { fiscalYearEnd, fiscalYearOf } from '../../../src/programs/index.js';
import type { MemberState, Step } from './member-model.js';
import { MONTHLY_CAP, YEN_PER_POINT } from './program.js';

/**
 * What fast-check generates: steps whose references are indices (`pick`) into what the member has
 * when the step runs, resolved by `resolve` so a shrunk sequence still means something. Clock
 * jumps aim at the next month end or fiscal-year end (just before, at, or just after) or a few days on.
 */
export type StepSpec =
  | { type: 'partner'; points: number }
  | { type: 'place'; units: number; pointsPerUnit: number }
  | { type: 'ship'; pick: number; units: number | undefined }
  | { type: 'return'; pick: number; units: number }
  | { type: 'cancel'; pick: number }
  | { type: 'billCredit'; points: number }
  | { type: 'checkout'; pick: number; points: number }
  | { type: 'refund'; pick: number; points: number | undefined }
  | { type: 'adjust'; points: number; expiresInMonths: number | undefined }
  | { type: 'reverse'; pick: number; points: number | undefined }
  | { type: 'forfeit' }
  | { type: 'expire' }
  | { type: 'clock'; to: 'month_end' | 'fiscal_year_end' | 'days'; offsetMs: number; days: number };

const pick = fc.nat({ max: 1_000 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });

/** Steps that touch the database, weighted as a member's life goes: mostly earning and spending. */
export const dbStepSpec: fc.Arbitrary<StepSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('partner' as const), points: fc.integer({ min: 1, max: 600 }) }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('place' as const), units: fc.integer({ min: 1, max: 4 }), pointsPerUnit: fc.integer({ min: 1, max: 80 }) }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('ship' as const), pick, units: maybe(fc.integer({ min: 1, max: 4 })) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('return' as const), pick, units: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('cancel' as const), pick }) },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('billCredit' as const),
      points: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 1_500 }) }, { weight: 1, arbitrary: fc.integer({ min: MONTHLY_CAP - 10, max: MONTHLY_CAP + 10 }) }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('checkout' as const), pick, points: fc.integer({ min: 1, max: 400 }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('refund' as const), pick, points: maybe(fc.integer({ min: 1, max: 300 })) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('adjust' as const),
      points: fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: -900, max: -1 })),
      expiresInMonths: maybe(fc.integer({ min: 0, max: 14 })),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('reverse' as const), pick, points: maybe(fc.integer({ min: 1, max: 500 })) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('forfeit' as const) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('expire' as const) }) },
);

export const clockSpec: fc.Arbitrary<StepSpec> = fc.record({
  type: fc.constant('clock' as const),
  to: fc.constantFrom('month_end' as const, 'fiscal_year_end' as const, 'days' as const),
  // FL-8 and FL-4 boundaries: the last millisecond before, the instant itself, just after.
  offsetMs: fc.constantFrom(-1, 0, 1, 3_600_000),
  days: fc.integer({ min: 1, max: 40 }),
});

export function describeSpec(spec: StepSpec): string {
  const { type, ...rest } = spec;
  return `${type}(${Object.entries(rest).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join(',')})`;
}

/** The step a spec means for this member now, or undefined when it names nothing the member has. */
export function resolve(program: Program, s: MemberState, spec: StepSpec): Step | undefined {
  const orders = [...s.orders.keys()];
  const nth = <T>(items: T[], n: number): T | undefined => (items.length === 0 ? undefined : items[n % items.length]);
  switch (spec.type) {
    case 'partner':
    case 'place':
    case 'billCredit':
    case 'adjust':
    case 'forfeit':
    case 'expire':
      return spec;
    case 'ship': {
      const orderId = nth(orders, spec.pick);
      const order = orderId === undefined ? undefined : s.orders.get(orderId);
      if (!orderId || !order) return undefined;
      const open = order.units - order.shipped;
      return { type: 'ship', orderId, units: spec.units === undefined || open === 0 ? undefined : Math.min(spec.units, open) };
    }
    case 'return': {
      const orderId = nth(orders, spec.pick);
      const order = orderId === undefined ? undefined : s.orders.get(orderId);
      if (!orderId || !order) return undefined;
      return { type: 'return', orderId, units: Math.max(1, Math.min(spec.units, order.units - order.returned)) };
    }
    case 'cancel': {
      const orderId = nth(orders, spec.pick);
      return orderId === undefined ? undefined : { type: 'cancel', orderId };
    }
    case 'checkout': {
      const orderId = nth(orders, spec.pick);
      const order = orderId === undefined ? undefined : s.orders.get(orderId);
      if (!orderId || !order) return undefined;
      return { type: 'checkout', orderId, points: spec.points, totalYen: order.units * order.pointsPerUnit * YEN_PER_POINT };
    }
    case 'refund': {
      const redemption = nth([...s.redemptions.keys()], spec.pick);
      return redemption === undefined ? undefined : { type: 'refund', redemption, points: spec.points };
    }
    case 'reverse': {
      const adjustment = nth([...s.adjustments.keys()], spec.pick);
      return adjustment === undefined ? undefined : { type: 'reverse', adjustment, points: spec.points };
    }
    case 'clock':
      return { type: 'clock', to: Math.max(s.now, clockTarget(program, s.now, spec)) };
  }
}

function clockTarget(program: Program, now: number, spec: Extract<StepSpec, { type: 'clock' }>): number {
  const at = Temporal.Instant.fromEpochMilliseconds(now);
  if (spec.to === 'days') return now + spec.days * 86_400_000;
  let boundary: number;
  if (spec.to === 'fiscal_year_end') {
    boundary = fiscalYearEnd(program, fiscalYearOf(program, at)).epochMilliseconds;
  } else {
    const nextMonth = at.toZonedDateTimeISO(program.timeZone).toPlainDate().toPlainYearMonth().add({ months: 1 });
    boundary = nextMonth.toPlainDate({ day: 1 }).toZonedDateTime({ timeZone: program.timeZone }).toInstant().epochMilliseconds;
  }
  // Already at the boundary's last millisecond: the boundary itself.
  return Math.max(boundary + spec.offsetMs, now + 1);
}
