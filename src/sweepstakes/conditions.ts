import { compileCondition, type Condition, type Variables } from '../rules/index.js';

/**
 * The variables of each kind of condition in a sweepstakes definition. Compiled at load
 * (validate.ts), so an unknown variable or a syntax error is refused with its line.
 *
 * Gates see `member` ({id, status, statusRank, active, attributes}), `statusChange` (this period's
 * change: {from, to, direction, up} — `up` false and the rest absent when there was none), `ranks`
 * (the program's statuses by rank, lowest 0), `period` ('YYYY-MM') and `channel` ('web', 'email').
 * Exclusions see `member` (as of the draw), `entry` ({id, prize, period, channel, enteredAt}),
 * `bill` (the entry month's bill: {amountMinor}, empty when billing sent none),
 * `transactionValue` (legal.transactionValueMinor) and `drawAt`.
 */
export const sweepstakesScopes = {
  gate: { member: 'map', statusChange: 'map', ranks: 'map', period: 'string', channel: 'string' },
  exclusion: { member: 'map', entry: 'map', bill: 'map', transactionValue: 'int', drawAt: 'timestamp' },
} as const satisfies Record<string, Variables>;

export function gateCondition(when: string, rule: string): Condition {
  return compileCondition(when, sweepstakesScopes.gate, { rule });
}

export function exclusionCondition(when: string, rule: string): Condition {
  return compileCondition(when, sweepstakesScopes.exclusion, { rule });
}
