import { Temporal } from 'temporal-polyfill';
import { refusal } from '../errors.js';

/**
 * The calendar of a liability report: pure, Temporal only. Months are counted in the program's
 * time zone, each from its first instant (inclusive) to the next month's (exclusive), so an expiry
 * at the end of a fiscal year (FL-8: "March 31, 24:00" = April 1, 00:00) is booked in April, the
 * month in which the job records it, and the points are still outstanding at the end of March.
 */

/** A bound on every report (tigerbeetle: a limit on everything): three years of months. */
export const MAX_LIABILITY_MONTHS = 36;

export interface LiabilityMonthSpan {
  /** 'YYYY-MM' in the program's zone. */
  month: string;
  start: Temporal.Instant;
  end: Temporal.Instant;
}

export interface LiabilityPeriod {
  months: LiabilityMonthSpan[];
  /** The first instant of `from`, then the end of every month: n + 1 ascending bounds. */
  bounds: Temporal.Instant[];
  /** The end of `to`, or now while `to` is the current month: the report covers what was recorded before. */
  asOf: Temporal.Instant;
}

/** The first instant of `month` ('YYYY-MM') in `timeZone`. */
export function monthStart(timeZone: string, month: Temporal.PlainYearMonth): Temporal.Instant {
  return month.toPlainDate({ day: 1 }).toZonedDateTime({ timeZone }).toInstant();
}

/** The month ('YYYY-MM') that holds `instant` in `timeZone`. */
export function monthOf(timeZone: string, instant: Temporal.Instant): string {
  return instant.toZonedDateTimeISO(timeZone).toPlainDate().toPlainYearMonth().toString();
}

/**
 * The months from `from` to `to` (both 'YYYY-MM', already matching the pattern), refused in this
 * order: `from` after `to`, more than MAX_LIABILITY_MONTHS months, `to` after the current month
 * (its figures would be the future's).
 */
export function liabilityPeriod(timeZone: string, from: string, to: string, now: Temporal.Instant): LiabilityPeriod {
  const first = Temporal.PlainYearMonth.from(from);
  const last = Temporal.PlainYearMonth.from(to);
  if (Temporal.PlainYearMonth.compare(first, last) > 0) {
    throw refusal('invalid_request', `querystring.from: ${from} is after to (${to})`, { from, to });
  }
  const count = first.until(last, { largestUnit: 'months' }).months + 1;
  if (count > MAX_LIABILITY_MONTHS) {
    throw refusal('invalid_request', `querystring.to: ${count} months from ${from} to ${to}; at most ${MAX_LIABILITY_MONTHS} per report`, {
      from,
      to,
      months: count,
      maxMonths: MAX_LIABILITY_MONTHS,
    });
  }
  const current = Temporal.PlainYearMonth.from(monthOf(timeZone, now));
  if (Temporal.PlainYearMonth.compare(last, current) > 0) {
    throw refusal('invalid_request', `querystring.to: ${to} has not begun; the current month is ${current.toString()}`, {
      to,
      currentMonth: current.toString(),
    });
  }
  const bounds = Array.from({ length: count + 1 }, (_, i) => monthStart(timeZone, first.add({ months: i })));
  const months = bounds.slice(0, -1).map((start, i) => ({
    month: first.add({ months: i }).toString(),
    start,
    end: bounds[i + 1] ?? start,
  }));
  const end = bounds[count] ?? now;
  return { months, bounds, asOf: Temporal.Instant.compare(now, end) < 0 ? now : end };
}
