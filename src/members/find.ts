import type { Temporal } from 'temporal-polyfill';
import { statement, type Queryable } from '../db/index.js';
import { toMember, type Member } from './member.js';
import * as sql from './sql.js';
import type { MemberRow } from './sql.js';

/** The member of a program with this external id (the upstream system's id). */
export async function findByExternalId(db: Queryable, program: string, externalId: string): Promise<string | undefined> {
  const [row] = await db.query<{ member_id: string }>(sql.findByExternalId, [program, externalId]);
  return row?.member_id;
}

const membersAt = statement('members.membersAtPage', `
  select m.* from members m
  where m.program_key = $1 and m.member_id > $2
    and exists (select 1 from member_memberships p where p.member_id = m.member_id
                and p.started_at <= $3 and (p.ended_at is null or p.ended_at > $3))
  order by m.member_id
  limit $4`);

/** The program's members at `at`, in member order after `after` (batch jobs). */
export async function membersAtPage(db: Queryable, program: string, at: Temporal.Instant, after: string | undefined, limit: number): Promise<Member[]> {
  const rows = await db.query<MemberRow>(membersAt, [program, after ?? '', at.toString(), limit]);
  return rows.map(toMember);
}
