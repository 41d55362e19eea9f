import { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { newId } from '../ids.js';
import { endBenefit, toApplication, type Application, type Ctx } from './application.js';
import type { HistoryFact } from './context.js';
import type { Campaign } from './load.js';
import { addMonths, compareMonths } from './months.js';
import * as sql from './sql.js';

/**
 * A person's campaign history (GG-11): entries imported from the carrier's records, and the
 * applications Pointbook activates. Looked up by person across members: a U25 may have used a
 * parent's line before their own.
 */
export interface HistoryEntry {
  id: string;
  memberId: string;
  personId: string;
  campaign: string;
  role: string | null;
  contractKind: string | null;
  startedAt: Temporal.Instant;
  endedAt: Temporal.Instant | null;
  source: 'imported' | 'pointbook';
  applicationId: string | null;
  recordedAt: Temporal.Instant;
}

export interface HistoryImport {
  personId: string;
  campaign: string;
  role?: string | undefined;
  contractKind?: string | undefined;
  startedAt: Temporal.Instant;
  endedAt?: Temporal.Instant | undefined;
}

export function toHistoryEntry(row: sql.HistoryRow): HistoryEntry {
  return {
    id: row.entry_id,
    memberId: row.member_id,
    personId: row.person_id,
    campaign: row.campaign,
    role: row.role,
    contractKind: row.contract_kind,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    source: row.source,
    applicationId: row.application_id,
    recordedAt: row.recorded_at,
  };
}

export async function importHistory(q: Queryable, program: string, memberId: string, entries: readonly HistoryImport[], ctx: Ctx): Promise<HistoryEntry[]> {
  const out: HistoryEntry[] = [];
  for (const e of entries) {
    const [row] = await q.query<sql.HistoryRow>(sql.insertHistory, [
      memberId, newId('chs'), program, e.personId, e.campaign, e.role ?? null, e.contractKind ?? null,
      e.startedAt.toString(), e.endedAt?.toString() ?? null, 'imported', null, ctx.now.toString(), ctx.actor,
    ]);
    if (row) out.push(toHistoryEntry(row));
  }
  return out;
}

export async function historyOfMember(q: Queryable, memberId: string): Promise<HistoryEntry[]> {
  return (await q.query<sql.HistoryRow>(sql.historyOfMember, [memberId])).map(toHistoryEntry);
}

/** Pointbook's own record of an active application, for later campaigns' GG-11 matrix. */
export async function recordPointbookHistory(q: Queryable, app: Application, ctx: Ctx): Promise<void> {
  await q.query(sql.insertHistory, [
    app.memberId, newId('chs'), app.program, app.personId, app.campaign, app.role, `${app.role}/${app.origin}`,
    ctx.now.toString(), null, 'pointbook', app.id, ctx.now.toString(), ctx.actor,
  ]);
}

/**
 * GG-11 ⑤: a past youth campaign still running ends when the new benefit starts (the first
 * billing month of the new one): imported entries get their end; a Pointbook application of
 * another campaign is superseded, billed up to the month before.
 */
export async function supersedePastBenefits(
  q: Queryable,
  campaign: Campaign,
  timeZone: string,
  app: Application,
  history: readonly HistoryFact[],
  ctx: Ctx,
): Promise<void> {
  const rows = campaign.definition.reapplication?.rows ?? {};
  if (app.firstBillingMonth === null) return;
  const newStart = Temporal.PlainYearMonth.from(app.firstBillingMonth).toPlainDate({ day: 1 }).toZonedDateTime({ timeZone }).toInstant();
  for (const past of history) {
    if (!Object.hasOwn(rows, past.campaign) || past.applicationId === app.id) continue;
    if (past.endedAt !== null && Temporal.Instant.compare(past.endedAt, newStart) <= 0) continue;
    if (past.applicationId === null) {
      await q.query(sql.endHistory, [past.memberId, past.entryId, newStart.toString()]);
      continue;
    }
    const [row] = await q.query<sql.ApplicationRow>(sql.lockApplication, [past.memberId, past.applicationId]);
    const old = row && toApplication(row);
    // Ended already, or (completed, its status not yet recorded) past its last month before the new one starts.
    if (old?.status !== 'active' || (old.lastBillingMonth !== null && compareMonths(old.lastBillingMonth, app.firstBillingMonth) < 0)) continue;
    const reasons = [{ rule: 'reapplication', code: 'superseded', message: { ja: `${campaign.definition.names.ja}の適用により終了しました`, en: `Ended by ${campaign.definition.names.en}` } }];
    await endBenefit(q, old, 'superseded', addMonths(app.firstBillingMonth, -1), { at: ctx.now, reasons }, ctx);
  }
}
