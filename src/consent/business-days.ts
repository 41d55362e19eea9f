import { Temporal } from 'temporal-polyfill';

/**
 * DN-3: business days are Monday to Friday in the program's time zone, except the configured
 * holidays. A request verified on some day takes effect at 00:00 of the business day `days`
 * business days later — verified on a Friday with 2 days: Tuesday 00:00 (Monday 00:00 if Monday
 * is the first business day after a weekend request and `days` is 1). Pure.
 */
export interface BusinessCalendar {
  timeZone: string;
  holidays: ReadonlySet<string>;
}

export function isBusinessDay(calendar: BusinessCalendar, date: Temporal.PlainDate): boolean {
  return date.dayOfWeek <= 5 && !calendar.holidays.has(date.toString());
}

/** The start of the business day `days` business days after the day of `from`. 0: `from` itself. */
export function businessDaysLater(calendar: BusinessCalendar, from: Temporal.Instant, days: number): Temporal.Instant {
  if (days === 0) return from;
  let date = from.toZonedDateTimeISO(calendar.timeZone).toPlainDate();
  for (let left = days; left > 0; ) {
    date = date.add({ days: 1 });
    if (isBusinessDay(calendar, date)) left -= 1;
  }
  return date.toZonedDateTime({ timeZone: calendar.timeZone }).toInstant();
}
