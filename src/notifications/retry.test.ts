import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { nextAttemptAt } from './retry.js';

const AT = Temporal.Instant.from('2026-04-10T03:00:00Z');

describe('retry backoff', () => {
  const cases: [number, number][] = [
    [1, 1],
    [2, 2],
    [3, 4],
    [4, 8],
    [6, 32],
    [7, 60],
    [8, 60],
    [1000, 60],
  ];
  for (const [attempts, minutes] of cases) {
    it(`after attempt ${attempts}: ${minutes} min`, () => {
      assert.equal(nextAttemptAt(AT, attempts).since(AT).total('minutes'), minutes);
    });
  }
  it('needs a failed attempt', () => assert.throws(() => nextAttemptAt(AT, 0), /at least one attempt/));
});
