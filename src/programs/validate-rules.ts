import { Temporal } from 'temporal-polyfill';
import { Value } from 'typebox/value';
import { ConditionCompileError } from '../rules/index.js';
import { conditionFor, type ConditionScope } from './conditions.js';
import { ConsentSchema, EarningSchema, ProgramSchema, RedemptionSchema, TiersSchema, type ConsentConfig, type EarningConfig, type RedemptionConfig, type TierConfig } from './schema.js';
import type { DefinitionPath, DefinitionProblem } from './validate.js';

/**
 * Checks of tiers and earning rules a schema cannot express: ladder order, real dates, references
 * between rules, unique ids, and every `when` compiled as CEL. Each section is checked only once it
 * matches its schema (its shape problems are reported by validate.ts), so these checks read typed
 * values. Pure, no I/O.
 */
export function ruleProblems(data: unknown): DefinitionProblem[] {
  if (typeof data !== 'object' || data === null) return [];
  const tiers: unknown = Reflect.get(data, 'tiers');
  const earning: unknown = Reflect.get(data, 'earning');
  const redemption: unknown = Reflect.get(data, 'redemption');
  const pointValue: unknown = Reflect.get(data, 'pointValue');
  const consent: unknown = Reflect.get(data, 'consent');
  return [
    ...(Value.Check(ConsentSchema, consent) ? consentProblems(consent) : []),
    ...(Value.Check(TiersSchema, tiers) ? tierProblems(tiers) : []),
    ...(Value.Check(EarningSchema, earning) ? earningProblems(earning) : []),
    ...(Value.Check(RedemptionSchema, redemption) && Value.Check(ProgramSchema.properties.pointValue, pointValue)
      ? redemptionProblems(redemption, pointValue)
      : []),
  ];
}

function tierProblems(tiers: TierConfig): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const unit = tiers.basis === 'tenure' ? 'minYears' : 'minPoints';
  const thresholds = tiers.ladder.map((row) => ('minYears' in row ? row.minYears : row.minPoints));
  const seen = new Set<string>();
  for (const [index, row] of tiers.ladder.entries()) {
    const at = (...rest: (string | number)[]): DefinitionPath => ['tiers', 'ladder', index, ...rest];
    const threshold = thresholds[index] ?? 0;
    if (seen.has(row.key)) problems.push({ path: at('key'), message: `tier key "${row.key}" is used twice in the ladder` });
    seen.add(row.key);
    if (index === 0 && (threshold !== 0 || row.when !== undefined)) {
      const message = `the first tier "${row.key}" must have ${unit}: 0 and no when, so every member has a tier`;
      problems.push({ path: at(), message });
    }
    const previous = thresholds[index - 1];
    if (previous !== undefined && threshold < previous) {
      problems.push({ path: at(unit), message: `tiers.ladder must ascend: ${unit} ${threshold} of "${row.key}" is below ${previous} of the tier before` });
    }
    // The ladder is read from the top: a later row with the same threshold and no condition
    // would always win, and the one before it could never be reached.
    if (previous !== undefined && threshold === previous && row.when === undefined) {
      const message = `tier "${row.key}" has the same ${unit} as the tier before, so it needs a when (or the tier before is never reached)`;
      problems.push({ path: at(), message });
    }
    problems.push(...conditionProblems(row.when, 'tier', row.key, at('when')));
  }
  return problems;
}

function earningProblems(earning: EarningConfig): DefinitionProblem[] {
  const spend = earning.spend ?? [];
  const problems: DefinitionProblem[] = [...idProblems(earning)];
  // SR-3: when spend points are credited is a decision the program states, never a default.
  if (spend.length > 0 && earning.creditOn === undefined) {
    problems.push({ path: ['earning'], message: 'missing required key "earning.creditOn" (shipment or placement) for spend rules' });
  }
  for (const [index, rule] of spend.entries()) {
    problems.push(...conditionProblems(rule.when, 'spend', rule.id, ['earning', 'spend', index, 'when']));
  }
  const spendIds = new Set(spend.map((rule) => rule.id));
  for (const [index, promotion] of (earning.promotions ?? []).entries()) {
    const at = (...rest: (string | number)[]): DefinitionPath => ['earning', 'promotions', index, ...rest];
    problems.push(...windowProblems(promotion, at));
    for (const [ruleIndex, rule] of promotion.rules.entries()) {
      if (!spendIds.has(rule)) {
        const known = [...spendIds].join(', ') || 'none';
        problems.push({ path: at('rules', ruleIndex), message: `promotion "${promotion.id}" names rule "${rule}", which is not a spend rule (spend rules: ${known})` });
      }
    }
    problems.push(...conditionProblems(promotion.when, 'promotion', promotion.id, at('when')));
  }
  for (const [index, bonus] of (earning.enrolmentBonus ?? []).entries()) {
    problems.push(...windowProblems(bonus, (...rest) => ['earning', 'enrolmentBonus', index, ...rest]));
  }
  for (const [index, grant] of (earning.monthlyGrants ?? []).entries()) {
    const at = (...rest: (string | number)[]): DefinitionPath => ['earning', 'monthlyGrants', index, ...rest];
    for (const type of Object.keys(grant.pointsByContractType)) {
      if (type.trim() === '' || type.length > 100) {
        problems.push({ path: at('pointsByContractType', type), onKey: true, message: `contract type ${JSON.stringify(type)} must be 1 to 100 characters` });
      }
    }
    problems.push(...conditionProblems(grant.when, 'monthlyGrant', grant.id, at('when')));
  }
  return problems;
}

/** Rule ids name the parts of an order's points and the reasons of a decision, so each names one rule. */
function idProblems(earning: EarningConfig): DefinitionProblem[] {
  const sections = ['spend', 'promotions', 'enrolmentBonus', 'monthlyGrants'] as const;
  const firstAt = new Map<string, string>();
  const problems: DefinitionProblem[] = [];
  for (const section of sections) {
    for (const [index, rule] of (earning[section] ?? []).entries()) {
      const first = firstAt.get(rule.id);
      const here = `earning.${section}.${index}`;
      if (first === undefined) firstAt.set(rule.id, here);
      else problems.push({ path: ['earning', section, index, 'id'], message: `rule id "${rule.id}" is also used by ${first}` });
    }
  }
  const partners = new Set<string>();
  for (const [index, partner] of (earning.partners ?? []).entries()) {
    if (partners.has(partner.id)) problems.push({ path: ['earning', 'partners', index, 'id'], message: `partner id "${partner.id}" is used twice` });
    partners.add(partner.id);
  }
  return problems;
}

/** Headers the gateway must not be trusted to vouch with: they carry credentials or shape the request. */
const reservedHeaders = new Set(['authorization', 'idempotency-key', 'content-type', 'content-length', 'host', 'cookie', 'accept-language', 'x-request-id']);

/**
 * FL-3..FL-5, SR-5: every amount a redemption can take is worth whole minor units (so a value is
 * never rounded), ids are unique, the whole cap is reachable, and step-up names only kinds offered.
 */
function redemptionProblems(redemption: RedemptionConfig, pointValue: { points: number; amountMinor: number }): DefinitionProblem[] {
  const unit = pointsPerMinorUnit(pointValue);
  const whole = `whole minor units at pointValue ${pointValue.points} pt = ${pointValue.amountMinor}`;
  const problems: DefinitionProblem[] = [];
  const ids = new Set<string>();
  for (const [index, reward] of (redemption.catalog ?? []).entries()) {
    const at = (...rest: string[]): DefinitionPath => ['redemption', 'catalog', index, ...rest];
    if (ids.has(reward.id)) problems.push({ path: at('id'), message: `reward id "${reward.id}" is used twice in the catalog` });
    ids.add(reward.id);
    if (reward.points % unit !== 0) problems.push({ path: at('points'), message: `points ${reward.points} of "${reward.id}" must be a multiple of ${unit} (${whole})` });
  }
  const { billCredit, checkout, stepUp } = redemption;
  if (billCredit !== undefined) {
    if (billCredit.step % unit !== 0) {
      problems.push({ path: ['redemption', 'billCredit', 'step'], message: `billCredit.step ${billCredit.step} must be a multiple of ${unit} (${whole})` });
    }
    if (billCredit.monthlyCap % billCredit.step !== 0) {
      const message = `billCredit.monthlyCap ${billCredit.monthlyCap} must be a multiple of step ${billCredit.step}, or the whole cap can never be used`;
      problems.push({ path: ['redemption', 'billCredit', 'monthlyCap'], message });
    }
  }
  if (checkout?.step !== undefined && checkout.step % unit !== 0) {
    problems.push({ path: ['redemption', 'checkout', 'step'], message: `checkout.step ${checkout.step} must be a multiple of ${unit} (${whole})` });
  }
  if (stepUp !== undefined) {
    if (reservedHeaders.has(stepUp.trustedHeader.toLowerCase())) {
      problems.push({ path: ['redemption', 'stepUp', 'trustedHeader'], message: `stepUp.trustedHeader must not be "${stepUp.trustedHeader}", a header clients set themselves` });
    }
    const offered = { catalog: (redemption.catalog ?? []).length > 0, bill_credit: billCredit !== undefined, checkout: checkout !== undefined };
    for (const [index, kind] of stepUp.required.entries()) {
      if (!offered[kind]) problems.push({ path: ['redemption', 'stepUp', 'required', index], message: `stepUp.required names ${kind}, which this program does not offer` });
    }
  }
  return problems;
}

/** The fewest points worth a whole number of minor units: points ÷ gcd(points, amountMinor). */
function pointsPerMinorUnit(pointValue: { points: number; amountMinor: number }): number {
  let [a, b] = [pointValue.points, pointValue.amountMinor];
  while (b !== 0) [a, b] = [b, a % b];
  return pointValue.points / a;
}

/** `from` and `until` are days that exist, in order (both inclusive). */
function windowProblems(window: { id: string; from: string; until: string }, at: (...rest: string[]) => DefinitionPath): DefinitionProblem[] {
  const from = plainDateOf(window.from);
  const until = plainDateOf(window.until);
  const problems: DefinitionProblem[] = [];
  if (from === undefined) problems.push({ path: at('from'), message: `from "${window.from}" is not a day of the calendar` });
  if (until === undefined) problems.push({ path: at('until'), message: `until "${window.until}" is not a day of the calendar` });
  if (from !== undefined && until !== undefined && Temporal.PlainDate.compare(from, until) > 0) {
    problems.push({ path: at('until'), message: `until ${window.until} is before from ${window.from} in "${window.id}"` });
  }
  return problems;
}

function conditionProblems(when: string | undefined, scope: ConditionScope, rule: string, path: DefinitionPath): DefinitionProblem[] {
  try {
    conditionFor(when, scope, rule);
    return [];
  } catch (error) {
    if (!(error instanceof ConditionCompileError)) throw error;
    return [{ path, message: `${path.join('.')}: ${error.message}` }];
  }
}

function plainDateOf(text: string): Temporal.PlainDate | undefined {
  try {
    return Temporal.PlainDate.from(text, { overflow: 'reject' });
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** DN-3: holidays are real dates; affiliate ids are unique. */
function consentProblems(consent: ConsentConfig): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  for (const [index, holiday] of consent.holidays.entries()) {
    try {
      Temporal.PlainDate.from(holiday, { overflow: 'reject' });
    } catch {
      problems.push({ path: ['consent', 'holidays', index], message: `holiday ${holiday} is not a date of the calendar` });
    }
  }
  const seen = new Set<string>();
  for (const [index, affiliate] of consent.affiliates.entries()) {
    if (seen.has(affiliate.id) || affiliate.id === 'company') {
      problems.push({ path: ['consent', 'affiliates', index, 'id'], message: `affiliate id "${affiliate.id}" is used twice, or is the reserved "company"` });
    }
    seen.add(affiliate.id);
  }
  return problems;
}
