import { Temporal } from 'temporal-polyfill';
import type { Application } from './application.js';
import type { Campaign } from './load.js';
import { billingMonthOf, compareMonths, localDateOf } from './months.js';
import type { StatusEntry } from './read.js';

/**
 * The status time alone has given an open application by `at` (pure): an active benefit past its
 * last billing month has `completed` (GG-7 ① 期間満了), a pre-registration whose period ended
 * without a U25 has `lapsed` (GG-10). Its `at` is when that happened — the first instant of the
 * month after the last, the day after the period — never when somebody noticed, so a read before
 * the daily job and the status the job records are the same entry.
 */
export function statusByTime(campaign: Campaign, timeZone: string, app: Application, at: Temporal.Instant): StatusEntry | undefined {
  if (app.status === 'active' && app.lastBillingMonth !== null && compareMonths(app.lastBillingMonth, billingMonthOf(at, timeZone)) < 0) {
    const since = Temporal.PlainYearMonth.from(app.lastBillingMonth).add({ months: 1 }).toPlainDate({ day: 1 }).toZonedDateTime({ timeZone }).toInstant();
    return { status: 'completed', at: since, reasons: [{ rule: 'benefit-term', code: 'completed', message: completedMessage }] };
  }
  const preRegistration = campaign.roles[app.role]?.config.dependsOn?.preRegistration;
  const until = Temporal.PlainDate.from(campaign.definition.period.until);
  if (app.status === 'provisional' && preRegistration && Temporal.PlainDate.compare(localDateOf(at, timeZone), until) > 0) {
    const since = until.add({ days: 1 }).toZonedDateTime({ timeZone }).toInstant();
    return { status: 'lapsed', at: since, reasons: [{ rule: 'pre-registration', code: 'lapsed', message: preRegistration.lapseMessage }] };
  }
  return undefined;
}

const completedMessage = { ja: '特典期間が満了しました', en: 'The benefit ran its full term' };
