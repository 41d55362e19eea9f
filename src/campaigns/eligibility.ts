import { Temporal } from 'temporal-polyfill';
import type { Contract } from '../members/index.js';
import { celContext, type CelContext, type Reason } from '../rules/index.js';
import { historyFacts, lineFacts, personFacts, planFamilyOf, type HistoryFact, type PersonFacts } from './context.js';
import { decide } from './decision-table.js';
import type { BenefitKind, BenefitRowConfig, MessageText } from './definition.js';
import type { Campaign, CompiledRule } from './load.js';
import { localDateOf } from './months.js';

/**
 * Who may apply, in which role, for which benefits (GG-1..GG-6, GG-10, GG-11): a decision, never a
 * throw. Every "no" names its rule with the campaign's own words in ja and en. Pure: the facts
 * are gathered by facts.ts.
 */
export interface EligibilityInput {
  campaign: Campaign;
  timeZone: string;
  at: Temporal.Instant;
  /** Undefined: every role of the campaign. */
  role?: string | undefined;
  contract: Contract;
  person: PersonFacts;
  /** The person's campaign history (GG-11), any campaign. */
  history: readonly HistoryFact[];
  /** Active applications of this campaign in the line's family group, by role (GG-1 family, GG-8, GG-10). */
  familyActiveByRole: Readonly<Record<string, number>>;
  /** GG-6: the person already has a line in this campaign. */
  personClaimed: boolean;
  /** The line already has an open application in this campaign. */
  lineApplied: boolean;
}

export interface OfferedOption {
  role: string;
  option: string;
  kind: BenefitKind;
  amount: number;
  unit: string;
  months: number;
}

export interface RoleEligibility {
  role: string;
  eligible: boolean;
  /** GG-10: eligible only as a pre-registration, until an applicant of the role it depends on joins. */
  provisional: boolean;
  options: OfferedOption[];
  unavailable: { option: string; reasons: Reason[] }[];
  reasons: Reason[];
}

export interface Eligibility {
  eligible: boolean;
  options: OfferedOption[];
  unavailable: { role: string; option: string; reasons: Reason[] }[];
  reasons: Reason[];
  roles: RoleEligibility[];
}

export function evaluateEligibility(input: EligibilityInput): Eligibility {
  const roles = input.role === undefined ? Object.keys(input.campaign.roles) : [input.role];
  // The application's local date and the facts are the same for every role: made once.
  const date = localDateOf(input.at, input.timeZone).toString();
  const shared = sharedFacts(input, date);
  const results = roles.map((role) => evaluateRole(input, role, date, shared));
  return {
    eligible: results.some((r) => r.eligible),
    options: results.filter((r) => r.eligible).flatMap((r) => r.options),
    unavailable: results.flatMap((r) => r.unavailable.map((u) => ({ role: r.role, ...u }))),
    reasons: results.filter((r) => !r.eligible).flatMap((r) => r.reasons),
    roles: results,
  };
}

function evaluateRole(input: EligibilityInput, role: string, date: string, shared: CelContext): RoleEligibility {
  const { campaign } = input;
  const roleConfig = campaign.roles[role];
  const refused = (reasons: Reason[]): RoleEligibility => ({ role, eligible: false, provisional: false, options: [], unavailable: [], reasons });
  if (!roleConfig) return refused([reason('role', 'unknown_role', { ja: `このキャンペーンに「${role}」という適用者区分はありません`, en: `The campaign has no role "${role}"` }, role)]);
  const facts = shared.with({ application: { at: input.at, date, role } });
  const reasons = [
    ...periodReasons(input, role, date),
    ...failedRules([...campaign.eligibility, ...roleConfig.eligibility], facts, role),
    ...onePerPersonReasons(input, role),
    ...reapplicationReasons(input, role),
  ];
  const dependency = dependencyOf(input, role);
  if (dependency.reason) reasons.push(dependency.reason);
  const { options, unavailable } = offeredOptions(input, role, facts);
  if (reasons.length === 0 && options.length === 0) {
    reasons.push(reason('benefits', 'no_benefit', campaign.definition.benefits.message, role));
  }
  return { role, eligible: reasons.length === 0, provisional: dependency.provisional, options: reasons.length === 0 ? options : [], unavailable, reasons };
}

/** Everything conditions read but `application` (which names the role). */
function sharedFacts(input: EligibilityInput, date: string): CelContext {
  const { campaign, contract, at } = input;
  return celContext({
    person: personFacts(input.person, date),
    line: lineFacts(campaign, contract),
    family: { group: contract.familyGroup ?? '', active: { ...input.familyActiveByRole } },
    history: historyFacts(input.history, at),
    lists: campaign.definition.lists ?? {},
  });
}

/** GG-1: the application date, a whole local day in the program's zone, within the period (ISO dates order as text). */
function periodReasons(input: EligibilityInput, role: string, date: string): Reason[] {
  const { period } = input.campaign.definition;
  const inside = date >= period.from && date <= period.until;
  return inside ? [] : [reason('period', 'outside_period', period.message, role, { date })];
}

export function failedRules(rules: readonly CompiledRule[], facts: CelContext, role?: string): Reason[] {
  return rules.flatMap((rule) => {
    const decision = rule.condition.evaluate(facts);
    if (decision.ok) return [];
    const code = decision.reasons[0]?.code ?? 'condition_not_met';
    return [reason(rule.id, code, rule.message, role)];
  });
}

function onePerPersonReasons(input: EligibilityInput, role: string): Reason[] {
  const config = input.campaign.definition.onePerPerson;
  if (config && input.personClaimed) return [reason('one-line-per-person', 'person_has_a_line', config.message, role)];
  if (input.lineApplied) return [reason('one-application-per-line', 'line_has_applied', alreadyApplied, role)];
  return [];
}

const alreadyApplied = { ja: 'この回線は既にこのキャンペーンにお申し込み済みです', en: 'This line has already applied to the campaign' };

/** GG-11: every past campaign of the person that the matrix lists must allow this role and origin. */
function reapplicationReasons(input: EligibilityInput, role: string): Reason[] {
  const matrix = input.campaign.definition.reapplication;
  if (!matrix) return [];
  const origin = input.contract.line.origin ?? '';
  const column = matrix.columns.findIndex((c) => c.role === role && c.origin === origin);
  const refusedBy = input.history.filter((h) => Object.hasOwn(matrix.rows, h.campaign)).find((h) => column < 0 || matrix.rows[h.campaign]?.[column] !== '○');
  if (!refusedBy) return [];
  return [reason('reapplication', 'reapplication_not_allowed', matrix.message, role, { pastCampaign: refusedBy.campaign, contractKind: `${role}/${origin || 'unknown'}` })];
}

function dependencyOf(input: EligibilityInput, role: string): { provisional: boolean; reason?: Reason } {
  const dependsOn = input.campaign.roles[role]?.config.dependsOn;
  if (!dependsOn || (input.familyActiveByRole[dependsOn.role] ?? 0) > 0) return { provisional: false };
  // GG-10: a family member may join first when a U25 is expected to join the same group.
  if (dependsOn.preRegistration && input.contract.familyGroup) return { provisional: true };
  return { provisional: false, reason: reason(`depends-on-${dependsOn.role}`, 'dependency_missing', dependsOn.message, role) };
}

function offeredOptions(input: EligibilityInput, role: string, facts: CelContext): Pick<RoleEligibility, 'options' | 'unavailable'> {
  const { campaign, contract } = input;
  const tableFacts = { role, origin: contract.line.origin ?? '', planFamily: planFamilyOf(campaign, contract.plan) };
  const rows = decide<BenefitRowConfig>(campaign.definition.benefits, tableFacts);
  const options: OfferedOption[] = [];
  const unavailable: RoleEligibility['unavailable'] = [];
  for (const [id, option] of Object.entries(campaign.options)) {
    const row = rows.find((r) => r.then.option === id)?.then;
    if (!row) {
      unavailable.push({ option: id, reasons: [reason('benefits', 'option_not_offered', campaign.definition.benefits.message, role, { option: id })] });
      continue;
    }
    const failed = failedRules(option.requires, facts, role);
    if (failed.length > 0) unavailable.push({ option: id, reasons: failed });
    else options.push({ role, option: id, kind: option.config.kind, amount: row.amount, unit: row.unit, months: row.months });
  }
  return { options, unavailable };
}

function reason(rule: string, code: string, message: MessageText, role: string | undefined, params: Record<string, string> = {}): Reason {
  return { rule, code, message: { ja: message.ja, en: message.en }, params: { ...(role ? { role } : {}), ...params } };
}
