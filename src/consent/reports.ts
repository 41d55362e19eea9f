import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { refusal } from '../errors.js';
import { newId } from '../ids.js';
import type { ContactChannel, Program } from '../programs/index.js';
import { mayContact } from './permissions.js';
import * as sql from './sql.js';

/**
 * DN-6: a marketing contact after an effective opt-out, reported by the member or staff. It is
 * recorded against the request that stopped that channel and scope at that instant, and stays on
 * the operators' open list until resolved. A contact nothing stopped is not a breach: refused.
 */
export interface ContactReport {
  id: string;
  memberId: string;
  requestId: string;
  channel: string;
  scope: string;
  contactedAt: Temporal.Instant;
  description: string;
  reportedAt: Temporal.Instant;
  reportedBy: string;
  resolvedAt: Temporal.Instant | null;
  resolvedBy: string | null;
}

export const toContactReport = (row: sql.ReportRow): ContactReport => ({
  id: row.id,
  memberId: row.member_id,
  requestId: row.request_id,
  channel: row.channel,
  scope: row.scope,
  contactedAt: row.contacted_at,
  description: row.description,
  reportedAt: row.reported_at,
  reportedBy: row.reported_by,
  resolvedAt: row.resolved_at,
  resolvedBy: row.resolved_by,
});

export async function reportContact(
  q: Queryable,
  program: Program,
  memberId: string,
  input: { channel: ContactChannel; scope: string; contactedAt: Temporal.Instant; description: string },
  ctx: { now: Temporal.Instant; actor: string },
): Promise<ContactReport> {
  const permission = await mayContact(q, program, memberId, { channel: input.channel, purpose: 'marketing', scope: input.scope }, input.contactedAt);
  if (permission.allowed || !permission.decidedBy) {
    throw refusal('not_opted_out', `No effective opt-out covered ${input.channel} marketing for ${input.scope} at ${input.contactedAt}`, {
      channel: input.channel,
      scope: input.scope,
    });
  }
  const [row] = await q.query<sql.ReportRow>(sql.insertReport, [
    memberId, newId('crp'), permission.decidedBy, input.channel, input.scope, input.contactedAt.toString(), input.description, ctx.now.toString(), ctx.actor,
  ]);
  return toContactReport(row!);
}

export async function openContactReports(q: Queryable, program: string, after: string | undefined, limit: number): Promise<ContactReport[]> {
  return (await q.query<sql.ReportRow>(sql.openReports, [program, after ?? null, limit])).map(toContactReport);
}

export async function resolveContactReport(q: Queryable, memberId: string, id: string, ctx: { now: Temporal.Instant; actor: string }): Promise<ContactReport> {
  const [row] = await q.query<sql.ReportRow>(sql.resolveReport, [memberId, id, ctx.now.toString(), ctx.actor]);
  if (!row) throw refusal('not_found', `Member ${memberId} has no contact report ${id}`);
  return toContactReport(row);
}
