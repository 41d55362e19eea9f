import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import type { Reason } from '../rules/index.js';
import { toApplication, type Application } from './application.js';
import type { Campaign } from './load.js';
import * as sql from './sql.js';
import { statusByTime } from './timed-status.js';

/**
 * Applications and benefits as people read them. Two statuses follow from time alone
 * (timed-status.ts): they are shown from the moment they hold, before the daily
 * `campaign-statuses` job records them (decision 42), and look the same after.
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
  const derived = statusByTime(campaign, timeZone, app, now);
  if (derived) history.push(derived);
  return { ...app, currentStatus: derived?.status ?? app.status, history };
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
