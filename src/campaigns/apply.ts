import { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { assert, refusal } from '../errors.js';
import { getContract, type Contract } from '../members/index.js';
import type { Reason } from '../rules/index.js';
import { recordStatus, toApplication, writeBenefitMonths, type Application, type Ctx } from './application.js';
import { evaluateEligibility, type OfferedOption, type RoleEligibility } from './eligibility.js';
import { eligibilityFacts } from './facts.js';
import { recordPointbookHistory, supersedePastBenefits } from './history.js';
import { resolvePreRegistrations } from './lifecycle.js';
import type { Campaign } from './load.js';
import { addMonths, billingMonthOf } from './months.js';
import * as sql from './sql.js';
import { newId } from '../ids.js';

export interface ApplicationInput {
  campaign: Campaign;
  timeZone: string;
  member: { id: string; birthDate: string | null };
  contractId: string;
  role: string;
  option: string;
}

/**
 * Applies a line to a campaign in one transaction: the eligibility decision (refused as
 * `not_eligible` with its reasons, changing nothing), the person's claim (GG-6, exact under
 * concurrency), the application and its first status, its benefit months, the history entry
 * (GG-11), the end of a past benefit it replaces, and pre-registered family members it activates
 * (GG-10). Provisional applications (GG-10) get their months when the U25 joins.
 */
export async function applyForCampaign(tx: Queryable, input: ApplicationInput, ctx: Ctx): Promise<Application> {
  const { campaign } = input;
  const contract = await lineOrRefuse(tx, input.member.id, input.contractId);
  const facts = await eligibilityFacts(tx, campaign, input.timeZone, input.member, contract, ctx.now);
  const decision = evaluateEligibility({ ...facts, role: input.role });
  const roleResult = decision.roles[0];
  assert(roleResult, 'one role was evaluated');
  const chosen = chosenOption(roleResult, input.option);
  const id = newId('cap');
  // GG-6: the claim is the guard — of two concurrent applications of one person, one inserts it.
  if (campaign.definition.onePerPerson) {
    const claimed = await tx.query(sql.claimPerson, [campaign.program, campaign.id, facts.person.id, input.member.id, id]);
    if (claimed.length === 0) throw notEligible([onePerPersonReason(campaign)]);
  }
  const app = await insertApplication(tx, id, input, contract, facts.person.id, chosen, roleResult.provisional, ctx);
  await recordStatus(tx, app, { from: null, to: app.status, at: ctx.now, reasons: roleResult.provisional ? [waitingReason(campaign, input.role)] : [] }, ctx);
  if (app.status === 'active') {
    await writeBenefitMonths(tx, app);
    await recordPointbookHistory(tx, app, ctx);
    await supersedePastBenefits(tx, campaign, input.timeZone, app, facts.history, ctx);
    await resolvePreRegistrations(tx, campaign, input.timeZone, app, ctx);
  }
  return app;
}

async function lineOrRefuse(tx: Queryable, memberId: string, contractId: string): Promise<Contract> {
  const contract = await getContract(tx, memberId, contractId);
  if (!contract) throw refusal('unknown_line', `The member has no line (contract) ${contractId}`, { line: contractId });
  return contract;
}

function chosenOption(result: RoleEligibility, option: string): OfferedOption {
  if (!result.eligible) throw notEligible(result.reasons);
  const chosen = result.options.find((o) => o.option === option);
  if (chosen) return chosen;
  const why = result.unavailable.find((u) => u.option === option)?.reasons ?? [];
  throw notEligible(why);
}

export function notEligible(reasons: Reason[]) {
  const first = reasons[0];
  const detail = first ? `Not eligible: ${first.message.en} (rule ${first.rule})` : 'Not eligible';
  return refusal('not_eligible', detail, { reasons: reasons.map((r) => ({ rule: r.rule, code: r.code, message: r.message })) });
}

function onePerPersonReason(campaign: Campaign): Reason {
  const message = campaign.definition.onePerPerson?.message ?? { ja: 'この使用者は既にお申し込み済みです', en: 'This user has already applied' };
  return { rule: 'one-line-per-person', code: 'person_has_a_line', message };
}

function waitingReason(campaign: Campaign, role: string): Reason {
  const dependsOn = campaign.roles[role]?.config.dependsOn;
  assert(dependsOn, 'a provisional role depends on another');
  return { rule: `depends-on-${dependsOn.role}`, code: 'pre_registered', message: dependsOn.message };
}

async function insertApplication(
  tx: Queryable,
  id: string,
  input: ApplicationInput,
  contract: Contract,
  personId: string,
  chosen: OfferedOption,
  provisional: boolean,
  ctx: Ctx,
): Promise<Application> {
  const contractedAt = contractedAtOf(contract);
  const first = provisional ? null : addMonths(billingMonthOf(contractedAt, input.timeZone), input.campaign.definition.start.monthsAfterContract);
  const last = first === null ? null : addMonths(first, chosen.months - 1);
  const [row] = await tx.query<sql.ApplicationRow>(sql.insertApplication, [
    input.member.id,
    id,
    input.campaign.program,
    input.campaign.id,
    contract.id,
    personId,
    input.role,
    chosen.option,
    chosen.kind,
    chosen.amount,
    chosen.unit,
    chosen.months,
    contract.line.origin ?? 'new',
    contract.familyGroup,
    provisional ? 'provisional' : 'active',
    ctx.now.toString(),
    contractedAt.toString(),
    first,
    last,
    ctx.actor,
  ]);
  assert(row, 'the insert returns the application');
  return toApplication(row);
}

/** GG-4: the contract (or upgrade) the benefit follows: when upstream said how the line began. */
export function contractedAtOf(contract: Contract): Temporal.Instant {
  return contract.line.originAt ? Temporal.Instant.from(contract.line.originAt) : contract.startedAt;
}
