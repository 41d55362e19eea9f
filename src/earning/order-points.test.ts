import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { createRegistry, loadPrograms, type Program } from '../programs/index.js';
import type { EarningConfig } from '../programs/index.js';
import { pointsForOrder, type OrderLineInput, type OrderPoints } from './index.js';

const examples = createRegistry(loadPrograms('examples/programs'));
function example(key: string): Program {
  const program = examples.get(key);
  assert.ok(program, `examples/programs/${key}`);
  return program;
}
const sony = example('sony-rewards');

/** A USD program in Pacific time with the given earning rules. */
function givenProgram(earning: EarningConfig): Program {
  return {
    key: 'test',
    name: 'Test',
    timeZone: 'America/Los_Angeles',
    currency: 'USD',
    pointValue: { points: 100, amountMinor: 100 },
    expiry: { policy: 'none' },
    earning,
    sourceFile: 'test',
  };
}
const base = { id: 'base', points: 1, per: 100, amounts: ['price' as const], rounding: 'floor' as const };
const member = { id: 'mbr_1', attributes: {} };

function earned(program: Program, lines: OrderLineInput[], placedAt = '2014-10-15T12:00:00-07:00'): OrderPoints {
  const result = pointsForOrder(program, { orderId: 'o1', currency: program.currency, placedAt: Temporal.Instant.from(placedAt), lines }, member);
  assert.ok(result.ok, JSON.stringify(result));
  const sum = result.value.lines.reduce((total, line) => total + line.points, 0);
  assert.equal(sum, result.value.total, 'the lines add up to the total');
  for (const line of result.value.lines) assert.equal(line.parts.reduce((total, part) => total + part.points, 0), line.points);
  return result.value;
}

const tv: OrderLineInput = { sku: 'TV', quantity: 1, unitPrice: 199_999, tax: 16_000, shipping: 2_500, fees: 300 };

describe('pointsForOrder: the sony-rewards example', () => {
  const cases: { name: string; lines: OrderLineInput[]; placedAt?: string; total: number; lines_?: number[] }[] = [
    { name: 'SR-2 1 pt per $1 of product price only, not tax, shipping or fees', lines: [tv], total: 1999 },
    { name: 'SR-2 rounds the order total, not each line: 2 × $10.50 earns 21', lines: [{ sku: 'A', quantity: 1, unitPrice: 1050 }, { sku: 'B', quantity: 1, unitPrice: 1050 }], total: 21, lines_: [11, 10] },
    { name: 'SR-2 price is unit price × quantity', lines: [{ sku: 'A', quantity: 3, unitPrice: 999 }], total: 29 },
    { name: 'SR-2 under $1 earns nothing', lines: [{ sku: 'A', quantity: 1, unitPrice: 99 }], total: 0 },
    { name: 'SR-2 5x holiday: the first instant of 2014-11-27 Pacific', lines: [tv], placedAt: '2014-11-27T00:00:00-08:00', total: 1999 * 5 },
    { name: 'SR-2 5x holiday: still 2014-11-26 in Pacific (07:59 UTC on the 27th)', lines: [tv], placedAt: '2014-11-27T07:59:59Z', total: 1999 },
    { name: 'SR-2 5x holiday: the last second of 2014-12-31 Pacific', lines: [tv], placedAt: '2014-12-31T23:59:59-08:00', total: 1999 * 5 },
    { name: 'SR-2 5x holiday: over at 2015-01-01 00:00 Pacific', lines: [tv], placedAt: '2015-01-01T00:00:00-08:00', total: 1999 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const points = earned(sony, c.lines, c.placedAt);
      assert.equal(points.total, c.total);
      if (c.lines_) assert.deepEqual(points.lines.map((line) => line.points), c.lines_);
    });
  }

  it('SR-2 keeps the holiday extra as its own part of each line, and explains both', () => {
    const points = earned(sony, [tv, { sku: 'CABLE', quantity: 2, unitPrice: 1_250 }], '2014-12-01T10:00:00-08:00');
    assert.deepEqual(points.lines, [
      { index: 0, sku: 'TV', quantity: 1, points: 9995, parts: [{ rule: 'base', points: 1999 }, { rule: 'holiday-5x', points: 7996 }] },
      { index: 1, sku: 'CABLE', quantity: 2, points: 125, parts: [{ rule: 'base', points: 25 }, { rule: 'holiday-5x', points: 100 }] },
    ]);
    assert.deepEqual(points.explanation.map((entry) => [entry.rule, entry.points]), [['base', 2024], ['holiday-5x', 8096]]);
    assert.match(points.explanation[0]?.message.en ?? '', /^Rule "base": 1 pt per 100 of price on 202499 eligible \(rounded down\) = 2024 pt$/);
    assert.match(points.explanation[1]?.message.ja ?? '', /合計5倍、\+8096 pt/);
  });

  it('refuses an order in another currency, as a value', () => {
    const result = pointsForOrder(sony, { orderId: 'o1', currency: 'JPY', placedAt: Temporal.Instant.from('2014-10-01T00:00:00Z'), lines: [tv] }, member);
    assert.deepEqual(result.ok ? undefined : [result.code, result.params], ['currency_mismatch', { expected: 'USD', actual: 'JPY' }]);
  });
});

describe('pointsForOrder: rules in general', () => {
  const line = (sku: string, unitPrice: number, extra: Partial<OrderLineInput> = {}): OrderLineInput => ({ sku, quantity: 1, unitPrice, ...extra });
  const cases: { name: string; earning: EarningConfig; lines: OrderLineInput[]; total: number; lines_?: number[] }[] = [
    { name: 'half_up rounds $2.50 to 3', earning: { spend: [{ ...base, rounding: 'half_up' }] }, lines: [line('A', 250)], total: 3 },
    { name: 'half_up rounds $2.49 to 2', earning: { spend: [{ ...base, rounding: 'half_up' }] }, lines: [line('A', 249)], total: 2 },
    { name: 'ceil rounds $2.01 to 3', earning: { spend: [{ ...base, rounding: 'ceil' }] }, lines: [line('A', 201)], total: 3 },
    { name: 'amounts can include shipping and fees', earning: { spend: [{ ...base, amounts: ['price', 'shipping', 'fees'] }] }, lines: [line('A', 1000, { shipping: 500, fees: 500, tax: 900 })], total: 20 },
    {
      name: 'a when excludes a line (a gift card earns nothing)',
      earning: { spend: [{ ...base, when: 'line.category != "gift-card"' }] },
      lines: [line('A', 1000, { category: 'tv' }), line('GC', 5000, { category: 'gift-card' }), line('B', 1000)],
      total: 20,
      lines_: [10, 0, 10],
    },
    {
      name: 'two spend rules add up, each its own part',
      earning: { spend: [base, { id: 'accessories', points: 2, per: 100, amounts: ['price'], rounding: 'floor', when: 'line.category == "accessory"' }] },
      lines: [line('A', 1000, { category: 'accessory' }), line('B', 1000)],
      total: 40,
      lines_: [30, 10],
    },
    {
      name: 'largest remainder: 10 pt over three equal lines gives 4, 3, 3',
      earning: { spend: [{ ...base, points: 10, per: 300 }] },
      lines: [line('A', 100), line('B', 100), line('C', 100)],
      total: 10,
      lines_: [4, 3, 3],
    },
    {
      name: 'largest remainder goes to the largest fraction, not the first line',
      earning: { spend: [base] },
      lines: [line('A', 140), line('B', 160), line('C', 100)],
      total: 4,
      lines_: [1, 2, 1],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const points = earned(givenProgram({ creditOn: 'placement', ...c.earning }), c.lines);
      assert.equal(points.total, c.total);
      if (c.lines_) assert.deepEqual(points.lines.map((l) => l.points), c.lines_);
    });
  }

  it('explains a line a condition excluded, in both languages', () => {
    const points = earned(givenProgram({ spend: [{ ...base, when: 'line.category != "gift-card"' }] }), [line('GC', 5000, { category: 'gift-card' })]);
    const entry = points.explanation.find((e) => e.line === 0);
    assert.equal(entry?.message.en, 'Line 1 (GC) earns nothing under rule "base": Condition of rule "base" is not met: line.category != "gift-card"');
    assert.match(entry?.message.ja ?? '', /^1行目（GC）はルール「base」の対象外です: ルール「base」の条件を満たしていません/);
  });

  const promotion = (id: string, multiplier: number, when?: string) => ({ id, from: '2014-11-01', until: '2014-11-30', multiplier, rules: ['base'], ...(when ? { when } : {}) });
  const stacking: { name: string; earning: EarningConfig; total: number; parts: [string, number][] }[] = [
    { name: 'best: the largest multiplier wins', earning: { spend: [base], promotions: [promotion('x3', 3), promotion('x5', 5)], promotionStacking: 'best' }, total: 50, parts: [['base', 10], ['x5', 40]] },
    { name: 'best is the default', earning: { spend: [base], promotions: [promotion('x5', 5), promotion('x3', 3)] }, total: 50, parts: [['base', 10], ['x5', 40]] },
    { name: 'sum: the extras add up', earning: { spend: [base], promotions: [promotion('x3', 3), promotion('x5', 5)], promotionStacking: 'sum' }, total: 70, parts: [['base', 10], ['x3', 20], ['x5', 40]] },
    { name: 'a promotion whose when fails for the line adds nothing', earning: { spend: [base], promotions: [promotion('x5', 5, 'line.category == "tv"')] }, total: 10, parts: [['base', 10]] },
    { name: 'a promotion outside its window adds nothing', earning: { spend: [base], promotions: [{ ...promotion('x5', 5), from: '2014-12-01', until: '2014-12-31' }] }, total: 10, parts: [['base', 10]] },
  ];
  for (const c of stacking) {
    it(`promotions: ${c.name}`, () => {
      const points = earned(givenProgram(c.earning), [line('A', 1000, { category: 'camera' })], '2014-11-15T12:00:00-08:00');
      assert.equal(points.total, c.total);
      assert.deepEqual(points.lines[0]?.parts.map((part) => [part.rule, part.points]), c.parts);
    });
  }

  it('counts exactly with amounts beyond 2^53 minor units, and refuses a total it cannot count', () => {
    const huge = line('A', 1_000_000_000_000, { quantity: 100_000 });
    assert.equal(earned(givenProgram({ spend: [base] }), [huge]).total, 1_000_000_000_000_000);
    const result = pointsForOrder(givenProgram({ spend: [base] }), { orderId: 'o', currency: 'USD', placedAt: Temporal.Instant.from('2014-10-01T00:00:00Z'), lines: Array(10).fill(huge) }, member);
    assert.equal(result.ok ? 'ok' : result.code, 'invalid_event');
  });

  it('a program without spend rules earns nothing on an order', () => {
    assert.equal(earned(givenProgram({}), [line('A', 1000)]).total, 0);
  });
});
