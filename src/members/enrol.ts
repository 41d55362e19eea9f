import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { assert, refusal } from '../errors.js';
import { newId } from '../ids.js';
import { openAccount } from '../ledger/index.js';
import { toMember, type Member } from './member.js';
import * as sql from './sql.js';
import type { MemberRow } from './sql.js';

export interface EnrolInput {
  program: string;
  externalId: string;
  name?: string | undefined;
  email?: string | undefined;
  birthDate?: string | undefined;
  joinedAt?: Temporal.Instant | undefined;
}

export interface Context {
  now: Temporal.Instant;
  actor: string;
}

/**
 * Enrols a member and opens their points account. Run it inside a transaction (`db.transaction`),
 * so a refusal leaves nothing behind. The directory's primary key
 * is the guard: of two concurrent enrolments of one external id exactly one wins, the other is
 * refused with `member_exists` naming the member that exists.
 */
export async function enrolMember(tx: Queryable, input: EnrolInput, ctx: Context): Promise<Member> {
  const id = newId('mbr');
  const claimed = await tx.query<{ member_id: string }>(sql.claimExternalId, [input.program, input.externalId, id]);
  if (claimed.length === 0) {
    const [existing] = await tx.query<{ member_id: string }>(sql.findByExternalId, [input.program, input.externalId]);
    throw refusal('member_exists', `Program ${input.program} already has a member with external id "${input.externalId}"`, {
      memberId: existing?.member_id,
    });
  }
  const [row] = await tx.query<MemberRow>(sql.insertMember, [
    id,
    input.program,
    input.externalId,
    input.name ?? null,
    input.email ?? null,
    input.birthDate ?? null,
    (input.joinedAt ?? ctx.now).toString(),
    ctx.now.toString(),
    ctx.actor,
  ]);
  await openAccount(tx, id, input.program, ctx.now);
  assert(row, 'the insert returns the member');
  return toMember(row);
}
