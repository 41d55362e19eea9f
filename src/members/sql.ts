import { statement } from '../db/index.js';

export const claimExternalId = statement('members.claimExternalId', `
  insert into member_directory (program_key, external_id, member_id) values ($1, $2, $3)
  on conflict (program_key, external_id) do nothing
  returning member_id`);

export const findByExternalId = statement('members.findByExternalId', `
  select member_id from member_directory where program_key = $1 and external_id = $2`);

export const insertMember = statement('members.insert', `
  insert into members (member_id, program_key, external_id, name, email, birth_date, joined_at, created_at, created_by)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  returning *`);

export const getMember = statement('members.get', `select * from members where member_id = $1`);

export interface MemberRow {
  member_id: string;
  program_key: string;
  external_id: string;
  name: string | null;
  email: string | null;
  birth_date: string | null;
  joined_at: import('temporal-polyfill').Temporal.Instant;
  created_at: import('temporal-polyfill').Temporal.Instant;
  created_by: string;
}
