import type { Temporal } from 'temporal-polyfill';
import { statement } from '../db/index.js';

export const insertRequest = statement('consent.insertRequest', `
  insert into contact_requests (member_id, id, program_key, kind, channel, scope, taken_by, verification, status, mismatches,
    resubmission_of, received_at, verified_at, effective_at, actor)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
  returning *`);
export const setConfirmation = statement('consent.setConfirmation', `
  update contact_requests set confirmation_id = $3 where member_id = $1 and id = $2 returning *`);
export const getRequest = statement('consent.getRequest', `select * from contact_requests where member_id = $1 and id = $2`);
export const listRequests = statement('consent.listRequests', `
  select * from contact_requests where member_id = $1 and ($2::text is null or id < $2) order by id desc limit $3`);
export const insertChange = statement('consent.insertChange', `
  insert into contact_permission_changes (member_id, request_id, channel, purpose, scope, allowed, effective_at)
  select $1, $2, cell->>'channel', cell->>'purpose', cell->>'scope', $3, (cell->>'effectiveAt')::timestamptz
  from jsonb_array_elements($4::jsonb) cell`);
// The change in force for each cell at an instant: the latest that took effect by then.
export const permissionsAt = statement('consent.permissionsAt', `
  select distinct on (channel, purpose, scope) channel, purpose, scope, allowed, effective_at, request_id
  from contact_permission_changes
  where member_id = $1 and effective_at <= $2
  order by channel, purpose, scope, effective_at desc, request_id desc`);
export const insertReport = statement('consent.insertReport', `
  insert into contact_reports (member_id, id, request_id, channel, scope, contacted_at, description, reported_at, reported_by)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *`);
export const openReports = statement('consent.openReports', `
  select r.* from contact_reports r join contact_requests q on q.member_id = r.member_id and q.id = r.request_id
  where q.program_key = $1 and r.resolved_at is null and ($2::text is null or r.id > $2)
  order by r.id limit $3`);
export const resolveReport = statement('consent.resolveReport', `
  update contact_reports set resolved_at = coalesce(resolved_at, $3), resolved_by = coalesce(resolved_by, $4)
  where member_id = $1 and id = $2 returning *`);
// Suppression export: the program's changes of one scope that took effect in (since, until].
export const changesBetween = statement('consent.changesBetween', `
  select c.member_id, m.external_id, m.phone, c.channel, c.scope, c.allowed, c.effective_at, c.request_id
  from contact_permission_changes c
  join contact_requests q on q.member_id = c.member_id and q.id = c.request_id
  join members m on m.member_id = c.member_id
  where q.program_key = $1 and ($2::text = '*' or c.scope = $2) and c.effective_at > $3 and c.effective_at <= $4
  order by c.effective_at, c.member_id, c.channel`);
export const lastExport = statement('consent.lastExport', `
  select max(until) as until from suppression_exports where program_key = $1 and scope = $2`);
export const recordExport = statement('consent.recordExport', `
  insert into suppression_exports (program_key, scope, exported_at, until) values ($1, $2, $3, $4)`);

export interface RequestRow {
  member_id: string;
  id: string;
  program_key: string;
  kind: 'do_not_solicit' | 'opt_in';
  channel: 'phone' | 'email' | 'web';
  scope: 'company' | 'affiliates' | 'all';
  taken_by: string | null;
  verification: { name: string; phone: string; contractNumber: string };
  purpose: string;
  status: 'verified' | 'rejected';
  mismatches: string[] | null;
  resubmission_of: string | null;
  received_at: Temporal.Instant;
  verified_at: Temporal.Instant | null;
  effective_at: Temporal.Instant | null;
  confirmation_id: string | null;
  actor: string;
}

export interface ChangeRow {
  channel: 'phone' | 'email' | 'post' | 'sms';
  purpose: 'marketing';
  scope: string;
  allowed: boolean;
  effective_at: Temporal.Instant;
  request_id: string;
}

export interface ReportRow {
  member_id: string;
  id: string;
  request_id: string;
  channel: string;
  scope: string;
  contacted_at: Temporal.Instant;
  description: string;
  reported_at: Temporal.Instant;
  reported_by: string;
  resolved_at: Temporal.Instant | null;
  resolved_by: string | null;
}
