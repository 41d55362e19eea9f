import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { assert } from '../errors.js';
import type { Reason } from '../rules/index.js';
import { publishWebhookEvent } from '../webhooks/index.js';
import { addMonths, benefitMonths, compareMonths } from './months.js';
import * as sql from './sql.js';

/** An application as the domain speaks of it; rows become this in one place. */
export interface Application {
  id: string;
  memberId: string;
  program: string;
  campaign: string;
  contractId: string;
  personId: string;
  role: string;
  option: string;
  kind: 'discount' | 'data';
  amount: number;
  unit: string;
  months: number;
  origin: string;
  familyGroup: string | null;
  status: sql.ApplicationStatus;
  appliedAt: Temporal.Instant;
  contractedAt: Temporal.Instant;
  firstBillingMonth: string | null;
  lastBillingMonth: string | null;
}

export function toApplication(row: sql.ApplicationRow): Application {
  return {
    id: row.application_id,
    memberId: row.member_id,
    program: row.program_key,
    campaign: row.campaign,
    contractId: row.contract_id,
    personId: row.person_id,
    role: row.role,
    option: row.option,
    kind: row.kind,
    amount: row.amount,
    unit: row.unit,
    months: row.months,
    origin: row.origin,
    familyGroup: row.family_group,
    status: row.status,
    appliedAt: row.applied_at,
    contractedAt: row.contracted_at,
    firstBillingMonth: row.first_billing_month,
    lastBillingMonth: row.last_billing_month,
  };
}

export interface Ctx {
  now: Temporal.Instant;
  actor: string;
}

/** Writes a status into the history and tells webhook subscribers (`application.status_changed`). */
export async function recordStatus(
  q: Queryable,
  app: Application,
  change: { from: string | null; to: string; at: Temporal.Instant; reasons: Reason[] },
  ctx: Ctx,
): Promise<void> {
  await q.query(sql.insertStatus, [app.memberId, app.id, change.to, change.at.toString(), JSON.stringify(change.reasons), ctx.actor]);
  await publishWebhookEvent(
    q,
    {
      program: app.program,
      type: 'application.status_changed',
      occurredAt: change.at,
      data: {
        memberId: app.memberId,
        applicationId: app.id,
        campaign: app.campaign,
        contractId: app.contractId,
        role: app.role,
        option: app.option,
        from: change.from,
        to: change.to,
        firstBillingMonth: app.firstBillingMonth,
        lastBillingMonth: app.lastBillingMonth,
        reasons: change.reasons.map((r) => ({ rule: r.rule, code: r.code })),
      },
    },
    ctx,
  );
}

/** GG-4: one row per billing month of an active benefit, written once when it becomes active. */
export async function writeBenefitMonths(q: Queryable, app: Application): Promise<void> {
  assert(app.firstBillingMonth !== null && app.lastBillingMonth !== null, 'an active application has its months');
  const months = benefitMonths(app.firstBillingMonth, app.lastBillingMonth);
  await q.query(sql.insertBenefits, [
    app.memberId,
    app.id,
    app.program,
    app.campaign,
    app.contractId,
    app.kind,
    app.amount,
    app.unit,
    months.map((m) => m.month),
    months.map((m) => m.index),
  ]);
}

/** Changes the status of an open application; undefined when it was no longer open (already ended). */
export async function changeStatus(
  q: Queryable,
  app: Application,
  to: sql.ApplicationStatus,
  months: { first: string | null; last: string | null },
  why: { at: Temporal.Instant; reasons: Reason[] },
  ctx: Ctx,
): Promise<Application | undefined> {
  const [row] = await q.query<sql.ApplicationRow>(sql.setStatus, [app.memberId, app.id, to, months.first, months.last]);
  if (!row) return undefined;
  const changed = toApplication(row);
  await recordStatus(q, changed, { from: app.status, to, at: why.at, reasons: why.reasons }, ctx);
  return changed;
}

/**
 * GG-9: ends an active benefit with `last` as its last billing month (a month before its first
 * means it never applied): the months after it are no longer billed.
 */
export async function endBenefit(
  q: Queryable,
  app: Application,
  to: 'terminated' | 'superseded',
  last: string,
  why: { at: Temporal.Instant; reasons: Reason[] },
  ctx: Ctx,
): Promise<Application | undefined> {
  assert(app.firstBillingMonth !== null, 'an active application has a first month');
  const kept = compareMonths(last, addMonths(app.firstBillingMonth, -1)) < 0 ? addMonths(app.firstBillingMonth, -1) : last;
  const changed = await changeStatus(q, app, to, { first: app.firstBillingMonth, last: kept }, why, ctx);
  if (!changed) return undefined;
  await q.query(sql.deleteBenefitsAfter, [app.memberId, app.id, kept]);
  await q.query(sql.endHistoryOfApplication, [app.memberId, app.id, why.at.toString()]);
  return changed;
}
