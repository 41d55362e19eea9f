import { compileCondition, type Condition, type Variables } from '../rules/index.js';

/**
 * The variables each kind of `when` in a program may use. The loader compiles every condition
 * against its scope at load (validate-rules.ts), so an unknown variable or a syntax error is refused
 * with its line; the rules then find the compiled condition by its text (rules/cel.ts caches it).
 */
export const conditionScopes = {
  /** SR-2: a spend rule's `when`, evaluated once per order line. */
  spend: { line: 'map', order: 'map', member: 'map' },
  /** SR-2: a promotion's `when`, evaluated once per order line. */
  promotion: { line: 'map', order: 'map', member: 'map' },
  /** SU-1: a tier's `when`, beside its tenure or points threshold. */
  tier: { member: 'map', tenureYears: 'int', pointsEarnedInWindow: 'int' },
  /** FL-2: a monthly grant's `when`, per contract and billing month. */
  monthlyGrant: { contract: 'map', member: 'map', month: 'map' },
} as const satisfies Record<string, Variables>;

export type ConditionScope = keyof typeof conditionScopes;

/** The compiled `when` of rule `rule`, or undefined when it has none (the rule always applies). */
export function conditionFor(when: string | undefined, scope: ConditionScope, rule: string): Condition | undefined {
  return when === undefined ? undefined : compileCondition(when, conditionScopes[scope], { rule });
}
