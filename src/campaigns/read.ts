import { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import type { Reason } from '../rules/index.js';
import { toApplication, type Application } from './application.js';
import type { Campaign } from './load.js';
import { compareMonths, billingMonthOf, localDateOf } from './months.js';
import * as sql from './sql.js';

/**
 * Applications and benefits as people read them. Two statuses follow from time alone and are
 * worked out on read, never by a job: an active benefit past its last month is `completed`
 * (GG-7 ① 期間満了), and a pre-registration whose period ended without a U25 is `lapsed` (GG-10).
 */
export interface StatusEntry {
  status: string;
  at: Temporal.Instant;
  reasons: Reason[];
}

export interface ApplicationDetail extends Application {
  /** The status now: the stored one, or what time has made of it. */
  currentStatus: string;
  history: StatusEntry[];
}

export async function findApplication(q: Queryable, campaign: string, id: string): Promise<Application | undefined> {
  const [row] = await q.query<sql.ApplicationRow>(sql.getApplication, [id, campaign]);
  return row && toApplication(row);
}

export async function applicationDetail(q: Queryable, campaign: Campaign, timeZone: string, app: Application, now: Temporal.Instant): Promise<ApplicationDetail> {
  const rows = await q.query<sql.StatusRow>(sql.listStatuses, [app.memberId, app.id]);
  const history: StatusEntry[] = rows.map((r) => ({ status: r.status, at: r.at, reasons: r.reasons }));
  const derived = derivedStatus(campaign, timeZone, app, now);
  if (derived) history.push(derived);
  return { ...app, currentStatus: derived?.status ?? app.status, history };
}

function derivedStatus(campaign: Campaign, timeZone: string, app: Application, now: Temporal.Instant): StatusEntry | undefined {
  if (app.status === 'active' && app.lastBillingMonth !== null && compareMonths(app.lastBillingMonth, billingMonthOf(now, timeZone)) < 0) {
    const at = Temporal.PlainYearMonth.from(app.lastBillingMonth).add({ months: 1 }).toPlainDate({ day: 1 }).toZonedDateTime({ timeZone }).toInstant();
    const message = { ja: '特典期間が満了しました', en: 'The benefit ran its full term' };
    return { status: 'completed', at, reasons: [{ rule: 'benefit-term', code: 'completed', message }] };
  }
  const preRegistration = campaign.roles[app.role]?.config.dependsOn?.preRegistration;
  const until = Temporal.PlainDate.from(campaign.definition.period.until);
  if (app.status === 'provisional' && preRegistration && Temporal.PlainDate.compare(localDateOf(now, timeZone), until) > 0) {
    const at = until.add({ days: 1 }).toZonedDateTime({ timeZone }).toInstant();
    return { status: 'lapsed', at, reasons: [{ rule: 'pre-registration', code: 'lapsed', message: preRegistration.lapseMessage }] };
  }
  return undefined;
}

export interface Benefit {
  campaign: string;
  application: string;
  line: string;
  kind: 'discount' | 'data';
  amount: number;
  unit: string;
  monthIndex: number;
  billingMonth: string;
}

const toBenefit = (r: sql.BenefitRow): Benefit => ({
  campaign: r.campaign,
  application: r.application_id,
  line: r.contract_id,
  kind: r.kind,
  amount: r.amount,
  unit: r.unit,
  monthIndex: r.month_index,
  billingMonth: r.billing_month,
});

/** What billing applies to the member's lines in a billing month (GG-4, GG-9). */
export async function benefitsOf(q: Queryable, memberId: string, billingMonth: string): Promise<Benefit[]> {
  return (await q.query<sql.BenefitRow>(sql.benefitsOfMember, [memberId, billingMonth])).map(toBenefit);
}

export interface ExportedBenefit extends Benefit {
  memberId: string;
  memberExternalId: string;
}

/** A program's benefits of one billing month, in pages, for the billing system. */
export async function* benefitsOfMonth(q: Queryable, program: string, billingMonth: string, pageSize = 1000): AsyncGenerator<ExportedBenefit[]> {
  let after = { memberId: '', applicationId: '' };
  for (;;) {
    const rows = await q.query<sql.ExportRow>(sql.benefitsOfMonthPage, [program, billingMonth, after.memberId, after.applicationId, pageSize]);
    if (rows.length === 0) return;
    yield rows.map((r) => ({ ...toBenefit(r), memberId: r.member_id, memberExternalId: r.external_id }));
    const last = rows[rows.length - 1];
    if (!last || rows.length < pageSize) return;
    after = { memberId: last.member_id, applicationId: last.application_id };
  }
}
