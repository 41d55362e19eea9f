import { Temporal } from 'temporal-polyfill';
import { assert } from '../errors.js';
import { defaultFiscalYearStartMonth, defaultRollingEndOf, type ProgramDefinition } from './schema.js';

/**
 * Expiry arithmetic: pure, Temporal only. Every calendar rule is evaluated in the program's time
 * zone, and every boundary is the first instant of a day, so the ledger's "expired when
 * expiresAt <= now" keeps a point valid through the whole last day.
 */

/** What the calendar rules of a program need: a whole Program fits. */
export type ProgramCalendar = Pick<ProgramDefinition, 'timeZone' | 'fiscalYear'>;
export type ProgramExpiry = ProgramCalendar & Pick<ProgramDefinition, 'expiry'>;

/** When points earned at `earnedAt` expire; undefined when they never do. */
export function expiresAtFor(program: ProgramExpiry, earnedAt: Temporal.Instant): Temporal.Instant | undefined {
  const { expiry } = program;
  switch (expiry.policy) {
    case 'none':
      return undefined;
    case 'rolling_months':
      return rollingMonthsEnd(program, earnedAt, expiry.months, expiry.endOf ?? defaultRollingEndOf);
    case 'fiscal_year_end':
      // FL-8: points earned in fiscal year X expire at the end of fiscal year X + yearsAfter (X+2 for FLET'S).
      return fiscalYearEnd(program, fiscalYearOf(program, earnedAt) + expiry.yearsAfter);
  }
}

/**
 * The fiscal year `instant` falls in, named by the calendar year in which it starts (April 2025 to
 * March 2026 is 2025 when it starts in April, as in Japan).
 */
export function fiscalYearOf(program: ProgramCalendar, instant: Temporal.Instant): number {
  const local = instant.toZonedDateTimeISO(program.timeZone);
  return local.month >= startMonthOf(program) ? local.year : local.year - 1;
}

/**
 * The end of `fiscalYear`: the first instant of the next fiscal year in the program's zone.
 * FL-8: for a fiscal year starting in April, "March 31" ends at the next April 1, 00:00 local.
 */
export function fiscalYearEnd(program: ProgramCalendar, fiscalYear: number): Temporal.Instant {
  assert(Number.isSafeInteger(fiscalYear), `fiscal year must be an integer, got ${fiscalYear}`);
  const nextStart = new Temporal.PlainDate(fiscalYear + 1, startMonthOf(program), 1);
  return startOfDay(program, nextStart);
}

/**
 * Rolling expiry: valid through the day (or month) of "earned + months" in the program's zone.
 * Month arithmetic clamps to the month's last day (Jan 31 + 1 month = Feb 28), so a point never
 * skips a month.
 */
function rollingMonthsEnd(
  program: ProgramCalendar,
  earnedAt: Temporal.Instant,
  months: number,
  endOf: 'day' | 'month',
): Temporal.Instant {
  const lastDate = earnedAt.toZonedDateTimeISO(program.timeZone).toPlainDate().add({ months });
  const expiresOn =
    endOf === 'day'
      ? lastDate.add({ days: 1 })
      : lastDate.toPlainYearMonth().add({ months: 1 }).toPlainDate({ day: 1 });
  return startOfDay(program, expiresOn);
}

/**
 * The day's first instant in the program's zone. Without a time, Temporal takes the start of the
 * day, which is 01:00 where DST skips midnight (America/Santiago), never a time that does not exist.
 */
function startOfDay(program: ProgramCalendar, date: Temporal.PlainDate): Temporal.Instant {
  return date.toZonedDateTime({ timeZone: program.timeZone }).toInstant();
}

function startMonthOf(program: ProgramCalendar): number {
  return program.fiscalYear?.startMonth ?? defaultFiscalYearStartMonth;
}
