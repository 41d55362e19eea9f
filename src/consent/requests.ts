import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { refusal } from '../errors.js';
import { newId } from '../ids.js';
import { listContracts, normaliseName, normalisePhone, type Member } from '../members/index.js';
import { enqueueEmail } from '../notifications/index.js';
import { type ConsentConfig, type Locale, type Program, programName, type RequestChannel } from '../programs/index.js';
import { publishWebhookEvent } from '../webhooks/index.js';
import { businessDaysLater, type BusinessCalendar } from './business-days.js';
import { COMPANY, coveredCells, type RequestScope } from './coverage.js';
import * as sql from './sql.js';

/**
 * DN-1..DN-3, DN-6..DN-8: a do-not-solicit or opt-in request, checked against the member's own
 * data as it arrives. A match is verified at once and takes effect after the configured business
 * days; a mismatch is rejected with the fields, and a corrected request may name it. Opting back in
 * is only ever this explicit request (DN-7).
 */
export interface ContactRequestInput {
  kind: 'do_not_solicit' | 'opt_in';
  channel: RequestChannel;
  scope: RequestScope;
  /** The staff member who took a phone or email request (DN-1). */
  takenBy?: string | undefined;
  verification: { name: string; phone: string; contractNumber: string };
  resubmissionOf?: string | undefined;
}

export interface ContactRequest {
  id: string;
  memberId: string;
  kind: ContactRequestInput['kind'];
  channel: RequestChannel;
  scope: RequestScope;
  takenBy: string | null;
  status: 'received' | 'verified' | 'effective' | 'rejected';
  mismatches: string[] | null;
  resubmissionOf: string | null;
  receivedAt: Temporal.Instant;
  verifiedAt: Temporal.Instant | null;
  effectiveAt: Temporal.Instant | null;
  confirmationId: string | null;
  purpose: string;
}

export function consentOf(program: Program): ConsentConfig {
  if (!program.consent) throw refusal('consent_not_configured', `Program ${program.key} takes no contact requests (no consent section)`);
  return program.consent;
}

/** `effective` once its instant has come; the stored status says only verified or rejected. */
export function toContactRequest(row: sql.RequestRow, now: Temporal.Instant): ContactRequest {
  const effective = row.status === 'verified' && row.effective_at !== null && row.effective_at.epochNanoseconds <= now.epochNanoseconds;
  return {
    id: row.id,
    memberId: row.member_id,
    kind: row.kind,
    channel: row.channel,
    scope: row.scope,
    takenBy: row.taken_by,
    status: effective ? 'effective' : row.status,
    mismatches: row.mismatches,
    resubmissionOf: row.resubmission_of,
    receivedAt: row.received_at,
    verifiedAt: row.verified_at,
    effectiveAt: row.effective_at,
    confirmationId: row.confirmation_id,
    purpose: row.purpose,
  };
}

/** Runs in the caller's transaction (with its idempotency record). */
export async function submitContactRequest(
  tx: Queryable,
  program: Program,
  member: Member,
  input: ContactRequestInput,
  ctx: { now: Temporal.Instant; actor: string; confirmTo: { email: string | null; locale: Locale } },
): Promise<ContactRequest> {
  const consent = consentOf(program);
  if (input.channel !== 'web' && !input.takenBy) {
    throw refusal('invalid_request', 'body.takenBy: name the staff member who took a phone or email request (DN-1)');
  }
  const contracts = new Set((await listContracts(tx, member.id)).map((c) => c.id));
  const mismatches = verify(input.verification, member, contracts);
  const calendar: BusinessCalendar = { timeZone: program.timeZone, holidays: new Set(consent.holidays) };
  const companyAt = businessDaysLater(calendar, ctx.now, consent.processingDays[input.channel]);
  const affiliateAt = businessDaysLater(calendar, companyAt, consent.affiliateExtraDays ?? 0);
  const cells = coveredCells(consent, input.scope).map((cell) => ({ ...cell, effectiveAt: (cell.scope === COMPANY ? companyAt : affiliateAt).toString() }));
  const effectiveAt = cells.some((cell) => cell.scope !== COMPANY) ? affiliateAt : companyAt;

  if (input.resubmissionOf) await checkResubmission(tx, member.id, input.resubmissionOf);
  const row = await record(tx, program, member, input, { mismatches, cells, effectiveAt }, ctx);
  return toContactRequest(row, ctx.now);
}

/** The request, its permission changes and the confirmation message, in the caller's transaction. */
async function record(
  tx: Queryable,
  program: Program,
  member: Member,
  input: ContactRequestInput,
  decision: { mismatches: string[]; cells: { channel: string; purpose: string; scope: string; effectiveAt: string }[]; effectiveAt: Temporal.Instant },
  ctx: { now: Temporal.Instant; actor: string; confirmTo: { email: string | null; locale: Locale } },
): Promise<sql.RequestRow> {
  const verified = decision.mismatches.length === 0;
  const { cells, effectiveAt, mismatches } = decision;
  const id = newId('crq');
  const [inserted] = await tx.query<sql.RequestRow>(sql.insertRequest, [
    member.id, id, program.key, input.kind, input.channel, input.scope, input.takenBy ?? null, JSON.stringify(input.verification),
    verified ? 'verified' : 'rejected', verified ? null : JSON.stringify(mismatches), input.resubmissionOf ?? null,
    ctx.now.toString(), verified ? ctx.now.toString() : null, verified ? effectiveAt.toString() : null, ctx.actor,
  ]);
  if (!verified) return inserted!;
  await tx.query(sql.insertChange, [member.id, id, input.kind === 'opt_in', JSON.stringify(cells)]);
  const data = { memberId: member.id, requestId: id, kind: input.kind, allowed: input.kind === 'opt_in', changes: cells };
  await publishWebhookEvent(tx, { program: program.key, type: 'contact_permission.changed', occurredAt: ctx.now, data }, ctx);
  const { email, locale } = ctx.confirmTo;
  if (!email) return inserted!;
  // DN-6: the confirmation is transactional (DN-5), so it goes even after "all".
  const { id: messageId } = await enqueueEmail(
    tx,
    {
      memberId: member.id,
      to: email,
      template: 'contact_request_confirmation',
      locale,
      vars: { kind: input.kind, scope: input.scope, effectiveAt, requestId: id, programName: programName(program, locale), timeZone: program.timeZone },
    },
    ctx,
  );
  const [confirmed] = await tx.query<sql.RequestRow>(sql.setConfirmation, [member.id, id, messageId]);
  return confirmed!;
}

async function checkResubmission(q: Queryable, memberId: string, id: string): Promise<void> {
  const [earlier] = await q.query<sql.RequestRow>(sql.getRequest, [memberId, id]);
  if (!earlier) throw refusal('not_found', `Member ${memberId} has no contact request ${id} to resubmit`);
  if (earlier.status !== 'rejected') throw refusal('invalid_request', `body.resubmissionOf: request ${id} was not rejected; only a rejected request is resubmitted`);
}

/** DN-2: name and phone as people type them; the contract number must be one of the member's. */
function verify(given: ContactRequestInput['verification'], member: Member, contracts: ReadonlySet<string>): string[] {
  const mismatches: string[] = [];
  if (!member.name || normaliseName(member.name) !== normaliseName(given.name)) mismatches.push('name');
  if (!member.phone || normalisePhone(member.phone) !== normalisePhone(given.phone)) mismatches.push('phone');
  if (!contracts.has(given.contractNumber.normalize('NFKC').trim())) mismatches.push('contractNumber');
  return mismatches;
}

export async function listContactRequests(db: Queryable, memberId: string, page: { limit: number; before?: string | undefined }, now: Temporal.Instant) {
  const rows = await db.query<sql.RequestRow>(sql.listRequests, [memberId, page.before ?? null, page.limit]);
  return rows.map((row) => toContactRequest(row, now));
}
