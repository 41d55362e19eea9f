import type { Temporal } from 'temporal-polyfill';
import { statement } from '../db/index.js';

export const claimExternalId = statement('members.claimExternalId', `
  insert into member_directory (program_key, external_id, member_id) values ($1, $2, $3)
  on conflict (program_key, external_id) do nothing
  returning member_id`);

export const findByExternalId = statement('members.findByExternalId', `
  select member_id from member_directory where program_key = $1 and external_id = $2`);

export const insertMember = statement('members.insert', `
  insert into members (member_id, program_key, external_id, name, email, birth_date, joined_at, created_at, created_by,
                       phone, postal_address, country, attributes)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, coalesce($13::jsonb, '{}'))
  returning *`);

// Re-enrolment keeps the member and their history; fields given again replace the old ones.
export const updateProfile = statement('members.updateProfile', `
  update members set name = coalesce($2, name), email = coalesce($3, email), birth_date = coalesce($4, birth_date),
    phone = coalesce($5, phone), postal_address = coalesce($6, postal_address), country = coalesce($7, country),
    attributes = attributes || coalesce($8::jsonb, '{}')
  where member_id = $1
  returning *`);

export const getMember = statement('members.get', `select * from members where member_id = $1`);

// A new period only after every earlier one has ended (periods never overlap).
export const startMembership = statement('members.startMembership', `
  insert into member_memberships (member_id, started_at)
  select $1, $2
  where not exists (select 1 from member_memberships where member_id = $1 and (ended_at is null or ended_at > $2))
  on conflict do nothing
  returning started_at`);

export const endMembership = statement('members.endMembership', `
  update member_memberships set ended_at = $2, ended_by = $3
  where member_id = $1 and ended_at is null and started_at <= $2
  returning started_at, ended_at`);

export const listMemberships = statement('members.listMemberships', `
  select started_at, ended_at from member_memberships where member_id = $1 order by started_at`);

export interface MemberRow {
  member_id: string;
  program_key: string;
  external_id: string;
  name: string | null;
  email: string | null;
  birth_date: string | null;
  phone: string | null;
  postal_address: PostalAddressRow | null;
  country: string | null;
  attributes: Record<string, unknown>;
  joined_at: Temporal.Instant;
  created_at: Temporal.Instant;
  created_by: string;
}

export interface PostalAddressRow {
  postalCode: string;
  region?: string;
  locality?: string;
  line1: string;
  line2?: string;
}
