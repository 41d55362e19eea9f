import type { Temporal } from 'temporal-polyfill';
import type { MemberRow } from './sql.js';

export interface Member {
  id: string;
  externalId: string;
  program: string;
  name: string | null;
  email: string | null;
  /** 'YYYY-MM-DD' */
  birthDate: string | null;
  joinedAt: Temporal.Instant;
  createdAt: Temporal.Instant;
}

export function toMember(row: MemberRow): Member {
  return {
    id: row.member_id,
    externalId: row.external_id,
    program: row.program_key,
    name: row.name,
    email: row.email,
    birthDate: row.birth_date,
    joinedAt: row.joined_at,
    createdAt: row.created_at,
  };
}
