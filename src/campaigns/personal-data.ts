import type { Queryable } from '../db/index.js';
import { toApplication, type Application } from './application.js';
import { historyOfMember, type HistoryEntry } from './history.js';
import * as sql from './sql.js';

/** What campaigns hold of a member, for the privacy export: applications with their statuses, benefits, history, claims. */
export interface CampaignData {
  applications: (Application & { statuses: sql.StatusRow[] })[];
  benefits: sql.BenefitRow[];
  history: HistoryEntry[];
  claims: { campaign: string; person_id: string; application_id: string }[];
}

export async function campaignDataOf(q: Queryable, memberId: string): Promise<CampaignData> {
  const applications = (await q.query<sql.ApplicationRow>(sql.applicationsOfMember, [memberId])).map(toApplication);
  const withStatuses = [];
  for (const app of applications) withStatuses.push({ ...app, statuses: await q.query<sql.StatusRow>(sql.listStatuses, [memberId, app.id]) });
  return {
    applications: withStatuses,
    benefits: await q.query<sql.BenefitRow>(sql.benefitsOfMemberAll, [memberId]),
    history: await historyOfMember(q, memberId),
    claims: await q.query(sql.claimsOfMember, [memberId]),
  };
}
