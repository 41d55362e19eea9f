import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { assert, refusal } from '../errors.js';
import { newId } from '../ids.js';
import { openAccount } from '../ledger/index.js';
import { toMember, type Member, type PostalAddress } from './member.js';
import * as sql from './sql.js';
import type { MemberRow } from './sql.js';

export interface EnrolInput {
  program: string;
  externalId: string;
  name?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  birthDate?: string | undefined;
  postalAddress?: PostalAddress | undefined;
  country?: string | undefined;
  attributes?: Record<string, unknown> | undefined;
  joinedAt?: Temporal.Instant | undefined;
}

export interface Context {
  now: Temporal.Instant;
  actor: string;
}

export interface Enrolment {
  member: Member;
  /** false: a new member; true: a former member came back (same member, new period). */
  reenrolled: boolean;
  /** The start of the membership period this enrolment opened. */
  periodStartedAt: Temporal.Instant;
}

/**
 * Enrols a member, or re-enrols a former one: the same member gets a new membership period
 * and keeps their history. Run it inside a transaction, so a refusal leaves nothing behind.
 * The directory's primary key is the guard: of two concurrent enrolments of one external id
 * exactly one creates the member; the open-period unique index refuses a second open period.
 */
export async function enrolMember(tx: Queryable, input: EnrolInput, ctx: Context): Promise<Enrolment> {
  const id = newId('mbr');
  const claimed = await tx.query<{ member_id: string }>(sql.claimExternalId, [input.program, input.externalId, id]);
  if (claimed.length === 0) return reenrol(tx, input, ctx);
  const joinedAt = input.joinedAt ?? ctx.now;
  const [row] = await tx.query<MemberRow>(sql.insertMember, [
    id,
    input.program,
    input.externalId,
    input.name ?? null,
    input.email ?? null,
    input.birthDate ?? null,
    joinedAt.toString(),
    ctx.now.toString(),
    ctx.actor,
    input.phone ?? null,
    input.postalAddress ? JSON.stringify(input.postalAddress) : null,
    input.country ?? null,
    input.attributes ? JSON.stringify(input.attributes) : null,
  ]);
  assert(row, 'the insert returns the member');
  await tx.query(sql.startMembership, [id, joinedAt.toString()]);
  await openAccount(tx, id, input.program, ctx.now);
  return { member: toMember(row), reenrolled: false, periodStartedAt: joinedAt };
}

async function reenrol(tx: Queryable, input: EnrolInput, ctx: Context): Promise<Enrolment> {
  const [existing] = await tx.query<{ member_id: string }>(sql.findByExternalId, [input.program, input.externalId]);
  assert(existing, 'a claimed external id names a member');
  const memberId = existing.member_id;
  // ON CONFLICT DO NOTHING also covers the open-period index: an active member gets no second period.
  const started = await tx.query(sql.startMembership, [memberId, ctx.now.toString()]);
  if (started.length === 0) {
    throw refusal('member_exists', `Program ${input.program} already has an active member with external id "${input.externalId}"`, {
      memberId,
    });
  }
  const [row] = await tx.query<MemberRow>(sql.updateProfile, [
    memberId,
    input.name ?? null,
    input.email ?? null,
    input.birthDate ?? null,
    input.phone ?? null,
    input.postalAddress ? JSON.stringify(input.postalAddress) : null,
    input.country ?? null,
    input.attributes ? JSON.stringify(input.attributes) : null,
  ]);
  assert(row, 'the member of the directory exists');
  return { member: toMember(row), reenrolled: true, periodStartedAt: ctx.now };
}
