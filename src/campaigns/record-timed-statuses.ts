import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import type { Program } from '../programs/index.js';
import { changeStatus, toApplication, type Ctx } from './application.js';
import { endApplication } from './lifecycle.js';
import { campaignsOf } from './load.js';
import { billingMonthOf, localDateOf } from './months.js';
import * as sql from './sql.js';
import { statusByTime } from './timed-status.js';

type ProgramCampaigns = Pick<Program, 'key' | 'timeZone' | 'campaigns'>;

export interface TimedStatusChunk {
  /** `[memberId, applicationId]` of the last application looked at, as JSON; the next chunk starts after it. */
  cursor: string;
  counts: { applications: number; completed: number; lapsed: number };
}

/**
 * One page of the daily `campaign-statuses` job (decision 42): records the statuses time has given
 * a program's open applications by `asOf` (timed-status.ts) and announces each with
 * `application.status_changed`, in the caller's transaction. A status changes only from
 * `active`/`provisional` (sql.setStatus), so a rerun, a second server or a contract event that got
 * there first finds nothing to do and publishes nothing. A lapsed pre-registration frees its
 * person (GG-6), as a lapse on an event does; a completed benefit ends its history entry (GG-11).
 * Undefined when nothing is left after `cursor`.
 */
export async function recordTimedStatuses(
  tx: Queryable,
  program: ProgramCampaigns,
  asOf: Temporal.Instant,
  cursor: string | null,
  ctx: Ctx,
  pageSize = 500,
): Promise<TimedStatusChunk | undefined> {
  const rows = await candidates(tx, program, asOf, cursor, pageSize);
  const last = rows.at(-1);
  if (!last) return undefined;
  const counts = { applications: rows.length, completed: 0, lapsed: 0 };
  for (const app of rows.map(toApplication)) {
    const campaign = campaignsOf(program).find((c) => c.id === app.campaign);
    const timed = campaign && statusByTime(campaign, program.timeZone, app, asOf);
    if (!campaign || !timed) continue; // a campaign removed from the files keeps its rows as they are
    const why = { at: timed.at, reasons: timed.reasons };
    if (timed.status === 'lapsed') {
      if ((await endApplication(tx, campaign, program.timeZone, app, why, ctx)).length > 0) counts.lapsed += 1;
      continue;
    }
    const completed = await changeStatus(tx, app, 'completed', { first: app.firstBillingMonth, last: app.lastBillingMonth }, why, ctx);
    if (!completed) continue;
    await tx.query(sql.endHistoryOfApplication, [app.memberId, app.id, timed.at.toString()]);
    counts.completed += 1;
  }
  return { cursor: JSON.stringify([last.member_id, last.application_id]), counts };
}

/**
 * Whether anything is due: most nights nothing is (benefits complete on the 1st, pre-registrations
 * lapse the day after their period), and one indexed look lets the job skip its run.
 */
export async function timedStatusesDue(q: Queryable, program: ProgramCampaigns, asOf: Temporal.Instant): Promise<boolean> {
  return (await candidates(q, program, asOf, null, 1)).length > 0;
}

function candidates(q: Queryable, program: ProgramCampaigns, asOf: Temporal.Instant, cursor: string | null, limit: number) {
  const [afterMember, afterApplication] = cursor ? (JSON.parse(cursor) as [string, string]) : ['', ''];
  const today = localDateOf(asOf, program.timeZone).toString();
  // ISO dates order as text: a period is over once its last day is behind the program's today.
  const periodOver = campaignsOf(program).filter((c) => c.definition.period.until < today).map((c) => c.id);
  return q.query<sql.ApplicationRow>(sql.timedCandidatesPage, [program.key, afterMember, afterApplication, billingMonthOf(asOf, program.timeZone), limit, periodOver]);
}
