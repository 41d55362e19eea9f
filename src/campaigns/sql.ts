import type { Temporal } from 'temporal-polyfill';
import { statement } from '../db/index.js';
import type { Reason } from '../rules/index.js';

/** Every statement campaigns run, by name. Tables: migrations 0014 and 0016. */

export interface ApplicationRow {
  member_id: string;
  application_id: string;
  program_key: string;
  campaign: string;
  contract_id: string;
  person_id: string;
  role: string;
  option: string;
  kind: 'discount' | 'data';
  amount: number;
  unit: string;
  months: number;
  origin: string;
  family_group: string | null;
  status: ApplicationStatus;
  applied_at: Temporal.Instant;
  contracted_at: Temporal.Instant;
  first_billing_month: string | null;
  last_billing_month: string | null;
  actor: string;
}

export type ApplicationStatus = 'active' | 'provisional' | 'terminated' | 'lapsed' | 'superseded' | 'completed';

export interface StatusRow {
  seq: number;
  status: string;
  at: Temporal.Instant;
  reasons: Reason[];
  actor: string;
}

export interface BenefitRow {
  member_id: string;
  application_id: string;
  billing_month: string;
  month_index: number;
  campaign: string;
  contract_id: string;
  kind: 'discount' | 'data';
  amount: number;
  unit: string;
}

export interface HistoryRow {
  member_id: string;
  entry_id: string;
  person_id: string;
  campaign: string;
  role: string | null;
  contract_kind: string | null;
  started_at: Temporal.Instant;
  ended_at: Temporal.Instant | null;
  source: 'imported' | 'pointbook';
  application_id: string | null;
  recorded_at: Temporal.Instant;
}

export const insertApplication = statement('campaigns.insertApplication', `
  insert into campaign_applications (member_id, application_id, program_key, campaign, contract_id, person_id, role, option, kind, amount,
    unit, months, origin, family_group, status, applied_at, contracted_at, first_billing_month, last_billing_month, actor)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
  returning *`);

export const getApplication = statement('campaigns.getApplication', `
  select * from campaign_applications where application_id = $1 and campaign = $2`);

export const lockApplication = statement('campaigns.lockApplication', `
  select * from campaign_applications where member_id = $1 and application_id = $2 for update`);

// Only from a status that may still change: a replayed or concurrent change finds nothing to do.
export const setStatus = statement('campaigns.setStatus', `
  update campaign_applications set status = $3, first_billing_month = $4, last_billing_month = $5
  where member_id = $1 and application_id = $2 and status in ('active', 'provisional')
  returning *`);

export const insertStatus = statement('campaigns.insertStatus', `
  insert into campaign_application_statuses (member_id, application_id, seq, status, at, reasons, actor)
  select $1, $2, coalesce(max(seq), 0) + 1, $3, $4, $5, $6 from campaign_application_statuses where member_id = $1 and application_id = $2`);

export const listStatuses = statement('campaigns.listStatuses', `
  select seq, status, at, reasons, actor from campaign_application_statuses where member_id = $1 and application_id = $2 order by seq`);

/** Applications of a line that a contract event may end. */
export const openApplicationsOfLine = statement('campaigns.openApplicationsOfLine', `
  select * from campaign_applications where member_id = $1 and contract_id = $2 and status in ('active', 'provisional')
  order by application_id for update`);

/** GG-1, GG-8, GG-10: the open applications of a campaign in a family group, in member order (the lock order). */
export const openApplicationsInGroup = statement('campaigns.openApplicationsInGroup', `
  select * from campaign_applications where program_key = $1 and campaign = $2 and family_group = $3 and status in ('active', 'provisional')
  order by member_id, application_id`);

export const openApplicationOfLineIn = statement('campaigns.openApplicationOfLineIn', `
  select application_id from campaign_applications
  where member_id = $1 and contract_id = $2 and campaign = $3 and status in ('active', 'provisional') limit 1`);

/**
 * The campaign-statuses job's scan (migration 0016): a program's open applications that time may
 * have ended — active past their last billing month ($4), or provisional in a campaign whose period
 * is over ($6) — after the keyset cursor.
 */
export const timedCandidatesPage = statement('campaigns.timedCandidatesPage', `
  select * from campaign_applications
  where program_key = $1 and status in ('active', 'provisional') and (member_id, application_id) > ($2, $3)
    and ((status = 'active' and last_billing_month < $4) or (status = 'provisional' and campaign = any($6::text[])))
  order by member_id, application_id limit $5`);

export const applicationsOfMember = statement('campaigns.applicationsOfMember', `
  select * from campaign_applications where member_id = $1 order by application_id`);

export const applicationsOfPerson = statement('campaigns.applicationsOfPerson', `
  select * from campaign_applications where program_key = $1 and person_id = $2 and status = 'active' order by member_id, application_id`);

export const insertBenefits = statement('campaigns.insertBenefits', `
  insert into campaign_benefits (member_id, application_id, billing_month, month_index, program_key, campaign, contract_id, kind, amount, unit)
  select $1, $2, m.month, m.index, $3, $4, $5, $6, $7, $8 from unnest($9::text[], $10::int[]) as m(month, index)`);

// GG-9: after a termination nothing is billed past the last month.
export const deleteBenefitsAfter = statement('campaigns.deleteBenefitsAfter', `
  delete from campaign_benefits where member_id = $1 and application_id = $2 and billing_month > $3`);

export const benefitsOfMember = statement('campaigns.benefitsOfMember', `
  select * from campaign_benefits where member_id = $1 and billing_month = $2 order by campaign, application_id`);

export const benefitsOfMemberAll = statement('campaigns.benefitsOfMemberAll', `
  select * from campaign_benefits where member_id = $1 order by billing_month, application_id`);

export interface ExportRow extends BenefitRow {
  external_id: string;
}

/** A billing month of a program, for billing: keyset pages in (member, application) order. */
export const benefitsOfMonthPage = statement('campaigns.benefitsOfMonthPage', `
  select b.*, m.external_id from campaign_benefits b join members m on m.member_id = b.member_id
  where b.program_key = $1 and b.billing_month = $2 and (b.member_id, b.application_id) > ($3, $4)
  order by b.member_id, b.application_id limit $5`);

export const claimPerson = statement('campaigns.claimPerson', `
  insert into campaign_person_claims (program_key, campaign, person_id, member_id, application_id) values ($1, $2, $3, $4, $5)
  on conflict do nothing returning application_id`);

export const findClaim = statement('campaigns.findClaim', `
  select member_id, application_id from campaign_person_claims where program_key = $1 and campaign = $2 and person_id = $3`);

export const releaseClaim = statement('campaigns.releaseClaim', `
  delete from campaign_person_claims where program_key = $1 and campaign = $2 and person_id = $3 and application_id = $4`);

export const claimsOfMember = statement('campaigns.claimsOfMember', `
  select campaign, person_id, application_id from campaign_person_claims where member_id = $1 order by campaign, person_id`);

export const insertHistory = statement('campaigns.insertHistory', `
  insert into campaign_history (member_id, entry_id, program_key, person_id, campaign, role, contract_kind, started_at, ended_at, source,
    application_id, recorded_at, actor)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning *`);

export const historyOfPerson = statement('campaigns.historyOfPerson', `
  select * from campaign_history where program_key = $1 and person_id = $2 order by started_at, entry_id`);

export const historyOfMember = statement('campaigns.historyOfMember', `
  select * from campaign_history where member_id = $1 order by started_at, entry_id`);

/** GG-11: a past benefit still running ends when the new one starts. */
export const endHistory = statement('campaigns.endHistory', `
  update campaign_history set ended_at = $3 where member_id = $1 and entry_id = $2 and (ended_at is null or ended_at > $3)`);

export const endHistoryOfApplication = statement('campaigns.endHistoryOfApplication', `
  update campaign_history set ended_at = $3 where member_id = $1 and application_id = $2 and (ended_at is null or ended_at > $3)`);
