import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import type { Contract } from '../members/index.js';
import { toApplication, type Application } from './application.js';
import { personOf, type HistoryFact, type PersonFacts } from './context.js';
import type { EligibilityInput } from './eligibility.js';
import type { Campaign } from './load.js';
import { billingMonthOf, compareMonths } from './months.js';
import * as sql from './sql.js';

/**
 * Gathers what eligibility reads from the database: the person's history and claim, and the
 * family group's open applications. Reads only; the decision itself is eligibility.ts's.
 */
export async function eligibilityFacts(
  q: Queryable,
  campaign: Campaign,
  timeZone: string,
  member: { id: string; birthDate: string | null },
  contract: Contract,
  at: Temporal.Instant,
): Promise<Omit<EligibilityInput, 'role'> & { group: Application[] }> {
  const person = personOf(contract, member);
  const [history, claim, lineApplied, group] = [
    await historyOf(q, campaign.program, person.id),
    await claimOf(q, campaign, person),
    (await q.query(sql.openApplicationOfLineIn, [member.id, contract.id, campaign.id])).length > 0,
    contract.familyGroup ? await openInGroup(q, campaign, contract.familyGroup) : [],
  ];
  const month = billingMonthOf(at, timeZone);
  const familyActiveByRole: Record<string, number> = {};
  for (const app of group) {
    if (app.contractId === contract.id && app.memberId === member.id) continue;
    if (isActiveIn(app, month)) familyActiveByRole[app.role] = (familyActiveByRole[app.role] ?? 0) + 1;
  }
  return { campaign, timeZone, at, contract, person, history, familyActiveByRole, personClaimed: claim !== undefined, lineApplied, group };
}

/** Active and not yet past its last billing month. */
export function isActiveIn(app: Application, month: string): boolean {
  return app.status === 'active' && (app.lastBillingMonth === null || compareMonths(app.lastBillingMonth, month) >= 0);
}

export async function openInGroup(q: Queryable, campaign: Campaign, group: string): Promise<Application[]> {
  return (await q.query<sql.ApplicationRow>(sql.openApplicationsInGroup, [campaign.program, campaign.id, group])).map(toApplication);
}

export async function historyOf(q: Queryable, program: string, personId: string): Promise<HistoryFact[]> {
  const rows = await q.query<sql.HistoryRow>(sql.historyOfPerson, [program, personId]);
  return rows.map((r) => ({
    campaign: r.campaign,
    role: r.role,
    contractKind: r.contract_kind,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    applicationId: r.application_id,
    entryId: r.entry_id,
    memberId: r.member_id,
  }));
}

async function claimOf(q: Queryable, campaign: Campaign, person: PersonFacts) {
  const [row] = await q.query<{ member_id: string; application_id: string }>(sql.findClaim, [campaign.program, campaign.id, person.id]);
  return row;
}
