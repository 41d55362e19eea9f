import { Temporal } from 'temporal-polyfill';
import { assert } from '../errors.js';
import { billingMonthStart, conditionFor, nextBillingMonth } from '../programs/index.js';
import type { MonthlyGrantConfig, Program } from '../programs/index.js';
import type { Reason } from '../rules/index.js';
import type { MemberFacts } from './order-points.js';

/**
 * FL-2: fixed points per billing month by contract type (not by the amount billed), under the
 * grant's condition. Pure: the monthly-grant job gathers contracts and posts the grant once per
 * member, contract and month.
 */

export interface ContractFacts {
  id: string;
  type: string;
  plan?: string | null;
  services: readonly string[];
  commitmentDiscount: boolean;
  status: 'active' | 'cancelled' | 'converted';
  inService: boolean;
  startedAt: Temporal.Instant;
  /** When it was cancelled or converted (members/ calls it `endedAt`). */
  endedAt?: Temporal.Instant | null;
  attributes?: Readonly<Record<string, unknown>>;
}

export type GrantDecision = { points: number; rule: string } | { none: Reason[] };

const billingMonthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * The first monthly grant whose table lists the contract's type and whose `when` holds. Its
 * condition sees `contract` (the facts above; absent fields left out), `member`, and `month`:
 * `{ key: "2025-04", start, end }`, the billing month's first instant and the next month's, in
 * the program's zone.
 */
export function grantFor(program: Program, contract: ContractFacts, member: MemberFacts, billingMonth: string): GrantDecision {
  assert(billingMonthPattern.test(billingMonth), `a billing month is YYYY-MM, got ${billingMonth}`);
  const grants = program.earning?.monthlyGrants ?? [];
  if (grants.length === 0) return { none: [noGrantsReason(program.key)] };
  const context = { contract: contractContext(contract), member, month: monthContext(program.timeZone, billingMonth) };
  const reasons: Reason[] = [];
  for (const grant of grants) {
    const points = pointsFor(grant, contract.type);
    if (points === undefined) {
      reasons.push(typeReason(grant, contract.type));
      continue;
    }
    const decision = conditionFor(grant.when, 'monthlyGrant', grant.id)?.evaluate(context) ?? { ok: true };
    if (decision.ok) return { points, rule: grant.id };
    reasons.push(...decision.reasons);
  }
  return { none: reasons };
}

function pointsFor(grant: MonthlyGrantConfig, type: string): number | undefined {
  return Object.hasOwn(grant.pointsByContractType, type) ? grant.pointsByContractType[type] : undefined;
}

// The job asks for thousands of contracts of one month in a row: compute its bounds once.
let lastMonth: { timeZone: string; key: string; context: Record<string, unknown> } | undefined;

function monthContext(timeZone: string, billingMonth: string): Record<string, unknown> {
  if (lastMonth?.timeZone !== timeZone || lastMonth.key !== billingMonth) {
    const start = billingMonthStart({ timeZone }, billingMonth);
    const end = billingMonthStart({ timeZone }, nextBillingMonth(billingMonth));
    lastMonth = { timeZone, key: billingMonth, context: { key: billingMonth, start, end } };
  }
  return lastMonth.context;
}

/** Nulls become absent fields, so a condition asks `has(contract.endedAt)`. */
function contractContext(contract: ContractFacts): Record<string, unknown> {
  return Object.fromEntries(Object.entries(contract).filter(([, value]) => value !== null && value !== undefined));
}

function typeReason(grant: MonthlyGrantConfig, type: string): Reason {
  return {
    rule: grant.id,
    code: 'contract_type_not_granted',
    message: {
      ja: `月次ポイント「${grant.id}」は契約種別「${type}」を対象としていません`,
      en: `Monthly grant "${grant.id}" lists no points for contract type "${type}"`,
    },
    params: { contractType: type },
  };
}

function noGrantsReason(programKey: string): Reason {
  return {
    rule: programKey,
    code: 'no_monthly_grants',
    message: { ja: `プログラム ${programKey} に月次ポイントはありません`, en: `Program ${programKey} has no monthly grants` },
  };
}
