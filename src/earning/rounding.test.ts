import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoundingMode } from '../programs/index.js';
import { allocateByLargestRemainder, divideRounded } from './rounding.js';

describe('divideRounded', () => {
  const cases: [numerator: bigint, denominator: bigint, mode: RoundingMode, expected: bigint][] = [
    [249n, 100n, 'floor', 2n],
    [250n, 100n, 'half_up', 3n],
    [249n, 100n, 'half_up', 2n],
    [201n, 100n, 'ceil', 3n],
    [200n, 100n, 'ceil', 2n],
    [0n, 100n, 'ceil', 0n],
    [5n, 2n, 'half_up', 3n],
    [10n ** 20n + 50n, 100n, 'half_up', 10n ** 18n + 1n],
  ];
  for (const [numerator, denominator, mode, expected] of cases) {
    it(`${numerator} / ${denominator} ${mode} = ${expected}`, () => assert.equal(divideRounded(numerator, denominator, mode), expected));
  }
});

describe('allocateByLargestRemainder', () => {
  const cases: [total: bigint, weights: bigint[], expected: bigint[]][] = [
    [10n, [1n, 1n, 1n], [4n, 3n, 3n]],
    [4n, [140n, 160n, 100n], [1n, 2n, 1n]],
    [21n, [1050n, 1050n], [11n, 10n]],
    [0n, [0n, 0n], [0n, 0n]],
    [5n, [0n, 3n, 0n], [0n, 5n, 0n]],
    [7n, [2n, 2n, 3n], [2n, 2n, 3n]],
    [100n, [1n, 2n, 3n, 4n, 5n, 6n], [5n, 9n, 14n, 19n, 24n, 29n]],
  ];
  for (const [total, weights, expected] of cases) {
    it(`${total} over [${weights.join(', ')}] is [${expected.join(', ')}], summing exactly`, () => {
      const shares = allocateByLargestRemainder(total, weights);
      assert.deepEqual(shares, expected);
      assert.equal(shares.reduce((sum, share) => sum + share, 0n), total);
    });
  }

  it('points without a weight to allocate them by are a fault', () => {
    assert.throws(() => allocateByLargestRemainder(1n, [0n]), /need a weight/);
  });
});
