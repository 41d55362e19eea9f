import type { Temporal } from 'temporal-polyfill';
import { refusal } from '../errors.js';
import { getMember, listContracts, type Member, normaliseName, normalisePhone } from '../members/index.js';
import { enqueueEmail } from '../notifications/index.js';
import { type Program, programName } from '../programs/index.js';
import type { AccountsEnv, RequestContext } from './env.js';
import { openAccount } from './signup.js';
import * as sql from './sql.js';

/**
 * FL-1 easy sign-up: an operator verifies what the applicant gave against the member's contract.
 * Name and phone must match (as people type them: widths, spaces and country codes do not count),
 * and the contract id too when one was given. A match opens the log-in with the password already
 * chosen; a mismatch rejects the sign-up with the fields, and the applicant is told either way.
 */
export interface Signup {
  id: string;
  program: string;
  kind: sql.SignupKind;
  email: string;
  status: sql.SignupRow['status'];
  memberId: string | null;
  applicant: sql.SignupRow['applicant'];
  mismatches: string[] | null;
  createdAt: Temporal.Instant;
  emailVerifiedAt: Temporal.Instant | null;
  reviewedAt: Temporal.Instant | null;
  reviewedBy: string | null;
}

export function toSignup(row: sql.SignupRow): Signup {
  return {
    id: row.id,
    program: row.program_key,
    kind: row.kind,
    email: row.email,
    status: row.status,
    memberId: row.member_id,
    applicant: row.applicant,
    mismatches: row.mismatches,
    createdAt: row.created_at,
    emailVerifiedAt: row.email_verified_at,
    reviewedAt: row.reviewed_at,
    reviewedBy: row.reviewed_by,
  };
}

export async function signupsToReview(env: AccountsEnv, program: string, after: string | undefined, limit: number): Promise<Signup[]> {
  const rows = await env.db.query<sql.SignupRow>(sql.signupsToReview, [program, after ?? null, limit]);
  return rows.map(toSignup);
}

export async function reviewSignup(
  env: AccountsEnv,
  program: Program,
  input: { signupId: string; memberId: string },
  ctx: RequestContext,
): Promise<Signup> {
  const member = await getMember(env.db, input.memberId);
  if (!member || member.program !== program.key) throw refusal('not_found', `There is no member ${input.memberId} in program ${program.key}`);
  const contractIds = new Set((await listContracts(env.db, member.id)).map((c) => c.id));
  const reviewed = await env.db.transaction(async (tx) => {
    const [signup] = await tx.query<sql.SignupRow>(sql.lockSignup, [input.signupId]);
    if (!signup || signup.program_key !== program.key) throw refusal('not_found', `There is no sign-up ${input.signupId} in program ${program.key}`);
    if (signup.status !== 'pending_review') {
      throw refusal('signup_not_pending', `Sign-up ${signup.id} is ${signup.status}, not waiting for review`, { status: signup.status });
    }
    const mismatches = compare(signup.applicant, member, contractIds);
    const name = programName(program, signup.locale);
    if (mismatches.length > 0) {
      await tx.query(sql.reviewSignup, [signup.id, 'rejected', null, JSON.stringify(mismatches), ctx.now.toString(), ctx.actor]);
      await enqueueEmail(tx, { memberId: null, to: signup.email, template: 'signup_rejected', locale: signup.locale, vars: { programName: name } }, ctx);
    } else {
      await openAccount(tx, { program: program.key, memberId: member.id, email: signup.email, passwordHash: signup.password_hash!, locale: signup.locale }, ctx.now);
      await tx.query(sql.reviewSignup, [signup.id, 'active', member.id, null, ctx.now.toString(), ctx.actor]);
      await enqueueEmail(tx, { memberId: member.id, to: signup.email, template: 'signup_approved', locale: signup.locale, vars: { programName: name } }, ctx);
    }
    const [after] = await tx.query<sql.SignupRow>(sql.getSignup, [signup.id]);
    return after!;
  });
  return toSignup(reviewed);
}

function compare(applicant: sql.SignupRow['applicant'], member: Member, contractIds: ReadonlySet<string>): string[] {
  if (!applicant) return ['name', 'phone'];
  const mismatches: string[] = [];
  if (!member.name || normaliseName(member.name) !== normaliseName(applicant.name)) mismatches.push('name');
  if (!member.phone || normalisePhone(member.phone) !== normalisePhone(applicant.phone)) mismatches.push('phone');
  if (applicant.contractId !== undefined && !contractIds.has(applicant.contractId)) mismatches.push('contractId');
  return mismatches;
}
