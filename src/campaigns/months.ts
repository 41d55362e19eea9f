import { Temporal } from 'temporal-polyfill';
import type { LastMonthRule } from './definition.js';

/**
 * Billing-month arithmetic of benefits (pure). A billing month is 'YYYY-MM' in the program's zone;
 * month 1 of a benefit is its first billing month (GG-4 ⑧).
 */
export function billingMonthOf(at: Temporal.Instant, timeZone: string): string {
  return at.toZonedDateTimeISO(timeZone).toPlainDate().toPlainYearMonth().toString();
}

export function localDateOf(at: Temporal.Instant, timeZone: string): Temporal.PlainDate {
  return at.toZonedDateTimeISO(timeZone).toPlainDate();
}

export function addMonths(month: string, months: number): string {
  return Temporal.PlainYearMonth.from(month).add({ months }).toString();
}

/** Months from `from` to `to`, both included; 0 when `to` is before `from`. */
export function monthsBetween(from: string, to: string): number {
  const span = Temporal.PlainYearMonth.from(from).until(Temporal.PlainYearMonth.from(to), { largestUnit: 'months' }).months + 1;
  return Math.max(span, 0);
}

export function compareMonths(a: string, b: string): number {
  return Temporal.PlainYearMonth.compare(Temporal.PlainYearMonth.from(a), Temporal.PlainYearMonth.from(b));
}

/** GG-1: whole years of age on a local date (an age goes up on the birthday). */
export function ageOn(birthDate: string, on: Temporal.PlainDate | string): number {
  return Temporal.PlainDate.from(birthDate).until(Temporal.PlainDate.from(on), { largestUnit: 'years' }).years;
}

/**
 * GG-9: the last billing month of a benefit after a terminating event in `eventMonth` — the
 * month before it (`month_before_event`, the discount) or that month itself (`event_month`,
 * data) — never later than the benefit's own last month.
 */
export function lastMonthAfterTermination(rule: LastMonthRule, eventMonth: string, scheduledLast: string): string {
  const cut = rule === 'month_before_event' ? addMonths(eventMonth, -1) : eventMonth;
  return compareMonths(cut, scheduledLast) < 0 ? cut : scheduledLast;
}

/** Every billing month of a benefit with its index (1-based). */
export function benefitMonths(first: string, last: string): { month: string; index: number }[] {
  const count = monthsBetween(first, last);
  return Array.from({ length: count }, (_, i) => ({ month: addMonths(first, i), index: i + 1 }));
}
