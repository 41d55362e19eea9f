import { assert } from '../errors.js';
import type { RoundingMode } from '../programs/index.js';
import type { Message } from '../rules/index.js';

/**
 * The one module that rounds points (STYLE.md: rates are integer ratios with a named rounding
 * mode). Everything is BigInt and non-negative: points are never computed from floating point.
 */

export const roundingNames: Record<RoundingMode, Message> = {
  floor: { ja: '切り捨て', en: 'rounded down' },
  half_up: { ja: '四捨五入', en: 'rounded half up' },
  ceil: { ja: '切り上げ', en: 'rounded up' },
};

/** numerator ÷ denominator, rounded by `mode`. */
export function divideRounded(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  assert(numerator >= 0n && denominator > 0n, 'points are rounded from a non-negative amount and a positive divisor');
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  switch (mode) {
    case 'floor':
      return quotient;
    case 'ceil':
      return remainder === 0n ? quotient : quotient + 1n;
    case 'half_up':
      return remainder * 2n >= denominator ? quotient + 1n : quotient;
  }
}

/**
 * Splits `total` in proportion to `weights` so the shares add up to exactly `total`: each gets the
 * floor of its exact share, and the units left over go one each to the largest remainders (the
 * lowest index first on a tie). All weights zero with a positive total is impossible: a rule's
 * points come from the weights.
 */
export function allocateByLargestRemainder(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((acc, weight) => acc + weight, 0n);
  assert(total >= 0n && weights.every((weight) => weight >= 0n), 'allocation is of non-negative points by non-negative weights');
  if (sum === 0n) {
    assert(total === 0n, 'points to allocate need a weight to allocate them by');
    return weights.map(() => 0n);
  }
  const shares = weights.map((weight) => (total * weight) / sum);
  const remainders = weights.map((weight, index) => ({ index, remainder: (total * weight) % sum }));
  let left = total - shares.reduce((acc, share) => acc + share, 0n);
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0n) break;
    shares[index] = (shares[index] ?? 0n) + 1n;
    left -= 1n;
  }
  assert(left === 0n, 'fewer units are left over than there are weights');
  return shares;
}
