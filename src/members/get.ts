import type { Queryable } from '../db/index.js';
import { toMember, type Member } from './member.js';
import * as sql from './sql.js';
import type { MemberRow } from './sql.js';

export async function getMember(db: Queryable, id: string): Promise<Member | undefined> {
  const [row] = await db.query<MemberRow>(sql.getMember, [id]);
  return row && toMember(row);
}
