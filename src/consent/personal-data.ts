import { statement, type Queryable } from '../db/index.js';
import type * as sql from './sql.js';

// What we hold of a person here (for the privacy export and erasure): their contact requests, the
// permission changes they made and their reports. What they gave to identify themselves (`verification`) and what they wrote in a report
// are erased; the requests and changes stay, so an opt-out keeps working after the erasure.
const contactRequests = statement('consent.personalData.requests', `
  select id, kind, channel, scope, status, verification, mismatches, received_at, verified_at, effective_at
  from contact_requests where member_id = $1 order by id`);
const permissionChanges = statement('consent.personalData.changes', `
  select request_id, channel, purpose, scope, allowed, effective_at from contact_permission_changes where member_id = $1
  order by effective_at, request_id, channel, scope`);
const contactReports = statement('consent.personalData.reports', `
  select id, request_id, channel, scope, contacted_at, description, reported_at, resolved_at from contact_reports where member_id = $1 order by id`);
const eraseContactRequests = statement('consent.erase.requests', `
  update contact_requests set verification = '{}'::jsonb where member_id = $1`);
const eraseContactReports = statement('consent.erase.reports', `
  update contact_reports set description = 'erased with the member' where member_id = $1`);


export interface ContactData {
  requests: Pick<sql.RequestRow, 'id' | 'kind' | 'channel' | 'scope' | 'status' | 'verification' | 'mismatches' | 'received_at' | 'verified_at' | 'effective_at'>[];
  changes: Pick<sql.ChangeRow, 'request_id' | 'channel' | 'purpose' | 'scope' | 'allowed' | 'effective_at'>[];
  reports: Pick<sql.ReportRow, 'id' | 'request_id' | 'channel' | 'scope' | 'contacted_at' | 'description' | 'reported_at' | 'resolved_at'>[];
}

export async function contactDataOf(q: Queryable, memberId: string): Promise<ContactData> {
  return {
    requests: await q.query<ContactData['requests'][number]>(contactRequests, [memberId]),
    changes: await q.query<ContactData['changes'][number]>(permissionChanges, [memberId]),
    reports: await q.query<ContactData['reports'][number]>(contactReports, [memberId]),
  };
}

export async function eraseContactData(q: Queryable, memberId: string): Promise<void> {
  await q.query(eraseContactRequests, [memberId]);
  await q.query(eraseContactReports, [memberId]);
}
