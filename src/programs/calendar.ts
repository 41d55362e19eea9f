import { Temporal } from 'temporal-polyfill';
import type { ProgramCalendar } from './expiry.js';

/**
 * The first instant of a billing month ('YYYY-MM') in the program's zone. Billing months, grants
 * and status changes are counted from it.
 */
export function billingMonthStart(program: Pick<ProgramCalendar, 'timeZone'>, month: string): Temporal.Instant {
  return Temporal.PlainYearMonth.from(month).toPlainDate({ day: 1 }).toZonedDateTime({ timeZone: program.timeZone }).toInstant();
}

/** The billing month after `month`. */
export function nextBillingMonth(month: string): string {
  return Temporal.PlainYearMonth.from(month).add({ months: 1 }).toString();
}
