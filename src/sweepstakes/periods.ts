import { Temporal } from 'temporal-polyfill';
import type { SweepstakesDefinition } from './definition.js';

/**
 * A sweepstakes' calendar in its program's zone: one period per month (SU-3), open from the
 * configured day to the month's end; the draw `monthsAfterEntry` later and the award on its
 * `awardDay` (SU-8).
 */

type Calendar = Pick<SweepstakesDefinition, 'periods' | 'draw'>;
type Zone = { timeZone: string };

export interface PeriodWindow {
  period: string;
  opensAt: Temporal.Instant;
  /** The first instant after the window: the next month's start. */
  closesAt: Temporal.Instant;
}

const startOf = (zone: Zone, date: Temporal.PlainDate) => date.toZonedDateTime({ timeZone: zone.timeZone }).toInstant();

/** The period (month) an instant falls in. */
export function periodAt(zone: Zone, at: Temporal.Instant): string {
  return at.toZonedDateTimeISO(zone.timeZone).toPlainDate().toPlainYearMonth().toString();
}

export function windowOf(definition: Calendar, zone: Zone, period: string): PeriodWindow {
  const month = Temporal.PlainYearMonth.from(period);
  return {
    period,
    opensAt: startOf(zone, month.toPlainDate({ day: definition.periods.opensOnDay })),
    closesAt: startOf(zone, month.add({ months: 1 }).toPlainDate({ day: 1 })),
  };
}

/** Whether the sweepstakes runs in `period` at all (SU-15: `last` ends it). */
export function runsIn(definition: Calendar, period: string): boolean {
  const { first, last } = definition.periods;
  if (first !== undefined && Temporal.PlainYearMonth.compare(period, first) < 0) return false;
  return last === undefined || Temporal.PlainYearMonth.compare(period, last) <= 0;
}

/** The first instant a period's draw may run: the start of its draw month. */
export function drawOpensAt(definition: Calendar, zone: Zone, period: string): Temporal.Instant {
  return startOf(zone, Temporal.PlainYearMonth.from(period).add({ months: definition.draw.monthsAfterEntry }).toPlainDate({ day: 1 }));
}

/** When a period's winners are credited: the award day of the draw month, at its start. */
export function awardAt(definition: Calendar, zone: Zone, period: string): Temporal.Instant {
  const month = Temporal.PlainYearMonth.from(period).add({ months: definition.draw.monthsAfterEntry });
  return startOf(zone, month.toPlainDate({ day: definition.draw.awardDay }));
}

/** SU-7: the start of the day `afterDays` after the entry, in the program's zone. */
export function rewardDueAt(zone: Zone, enteredAt: Temporal.Instant, afterDays: number): Temporal.Instant {
  return startOf(zone, enteredAt.toZonedDateTimeISO(zone.timeZone).toPlainDate().add({ days: afterDays }));
}
