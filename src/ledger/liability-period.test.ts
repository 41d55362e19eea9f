import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { Refusal } from '../errors.js';
import { liabilityPeriod, monthOf } from './liability-period.js';

const at = (iso: string) => Temporal.Instant.from(iso);
const NOW = at('2026-05-10T00:00:00Z');

describe('liabilityPeriod', () => {
  const cases: { name: string; zone: string; from: string; to: string; now?: Temporal.Instant; bounds: string[]; asOf: string }[] = [
    {
      name: 'Tokyo months begin at 15:00 UTC the day before; a closed range ends at its last bound',
      zone: 'Asia/Tokyo',
      from: '2026-02',
      to: '2026-04',
      bounds: ['2026-01-31T15:00:00Z', '2026-02-28T15:00:00Z', '2026-03-31T15:00:00Z', '2026-04-30T15:00:00Z'],
      asOf: '2026-04-30T15:00:00Z',
    },
    {
      name: 'the current month ends now',
      zone: 'Asia/Tokyo',
      from: '2026-05',
      to: '2026-05',
      bounds: ['2026-04-30T15:00:00Z', '2026-05-31T15:00:00Z'],
      asOf: NOW.toString(),
    },
    {
      name: 'Los Angeles across the change to summer time (PST, then PDT)',
      zone: 'America/Los_Angeles',
      from: '2026-03',
      to: '2026-04',
      bounds: ['2026-03-01T08:00:00Z', '2026-04-01T07:00:00Z', '2026-05-01T07:00:00Z'],
      asOf: '2026-05-01T07:00:00Z',
    },
    {
      name: '36 months across three year ends, the most a report may have',
      zone: 'UTC',
      from: '2023-06',
      to: '2026-05',
      bounds: [],
      asOf: NOW.toString(),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const period = liabilityPeriod(c.zone, c.from, c.to, c.now ?? NOW);
      if (c.bounds.length > 0) assert.deepEqual(period.bounds.map(String), c.bounds);
      assert.equal(period.asOf.toString(), c.asOf);
      assert.equal(period.months[0]?.month, c.from);
      assert.equal(period.months.at(-1)?.month, c.to);
      assert.equal(period.bounds.length, period.months.length + 1);
      period.months.forEach((m, i) => assert.deepEqual([m.start, m.end], [period.bounds[i], period.bounds[i + 1]]));
    });
  }

  const refused: { name: string; from: string; to: string; detail: RegExp }[] = [
    { name: 'from after to', from: '2026-03', to: '2026-02', detail: /^querystring\.from: 2026-03 is after to/ },
    { name: '37 months', from: '2023-04', to: '2026-04', detail: /^querystring\.to: 37 months .* at most 36/ },
    { name: 'a month that has not begun', from: '2026-05', to: '2026-06', detail: /^querystring\.to: 2026-06 has not begun; the current month is 2026-05/ },
  ];
  for (const c of refused) {
    it(`refuses ${c.name} as invalid_request`, () => {
      assert.throws(
        () => liabilityPeriod('Asia/Tokyo', c.from, c.to, NOW),
        (error: unknown) => error instanceof Refusal && error.code === 'invalid_request' && c.detail.test(error.message),
      );
    });
  }
});

describe('monthOf', () => {
  it('names the month of the program zone, not of UTC', () => {
    assert.equal(monthOf('Asia/Tokyo', at('2026-03-31T15:00:00Z')), '2026-04');
    assert.equal(monthOf('UTC', at('2026-03-31T15:00:00Z')), '2026-03');
    assert.equal(monthOf('America/Los_Angeles', at('2026-04-01T06:59:59Z')), '2026-03');
  });
});
