import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { celContext, compileCondition, ConditionCompileError, type Decision, type Variables } from './index.js';

const orderScope: Variables = { line: 'map', order: 'map', member: 'map' };

describe('compileCondition refuses an expression that cannot run, with CEL\'s reason', () => {
  const cases: { name: string; source: string; variables?: Variables; summary: RegExp; position?: number }[] = [
    { name: 'a syntax error, pointing at its character', source: 'line.category = "gift-card"', summary: /^Unexpected character: =$/, position: 15 },
    { name: 'an unfinished expression', source: 'line.quantity >', summary: /^Unexpected token: EOF$/ },
    { name: 'an unknown variable', source: 'customer.vip == true', summary: /^Unknown variable: customer$/ },
    { name: 'a type error known before running', source: 'tenureYears == 1.5', variables: { tenureYears: 'int' }, summary: /no such overload: int == double/ },
    { name: 'a result that is not true or false', source: 'tenureYears + 1', variables: { tenureYears: 'int' }, summary: /must be true or false, but this gives int/ },
    { name: 'an empty expression', source: '  ', summary: /is empty/ },
    { name: 'an expression longer than 2,000 characters', source: `${'true && '.repeat(300)}true`, summary: /at most 2000/ },
  ];
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      assert.throws(
        () => compileCondition(c.source, c.variables ?? orderScope, { rule: 'base' }),
        (error: unknown) => {
          assert.ok(error instanceof ConditionCompileError, String(error));
          assert.match(error.summary, c.summary);
          if (c.position !== undefined) assert.equal(error.position, c.position);
          assert.ok(error.message.startsWith('CEL: '));
          return true;
        },
      );
    });
  }
});

describe('condition.evaluate', () => {
  const giftCards = compileCondition('line.category != "gift-card"', orderScope, { rule: 'base' });

  const cases: { name: string; source: string; variables?: Variables; context: Record<string, unknown>; ok: boolean; code?: string }[] = [
    { name: 'SR-2 a product line earns', source: giftCards.source, context: { line: { category: 'tv' } }, ok: true },
    { name: 'SR-2 a gift card does not', source: giftCards.source, context: { line: { category: 'gift-card' } }, ok: false, code: 'condition_not_met' },
    { name: 'a missing field fails the condition, not the caller', source: giftCards.source, context: { line: {} }, ok: false, code: 'condition_not_evaluable' },
    { name: 'has() sees a field left undefined as absent', source: '!has(line.category)', context: { line: { category: undefined } }, ok: true },
    { name: 'JS whole numbers are CEL ints', source: 'line.quantity == 2 && line.quantity > 1', context: { line: { quantity: 2 } }, ok: true },
    { name: 'JS fractions are CEL doubles', source: 'line.weight > 1.5', context: { line: { weight: 2.25 } }, ok: true },
    { name: 'an int variable takes a JS number', source: 'tenureYears >= 15', variables: { tenureYears: 'int' }, context: { tenureYears: 15 }, ok: true },
    { name: 'nested attributes and lists', source: '"fiber" in member.attributes.services && member.attributes.superstar', context: { member: { attributes: { services: ['fiber'], superstar: true } } }, ok: true },
    { name: 'a value of another type fails with a reason', source: 'line.flag', context: { line: { flag: 'yes' } }, ok: false, code: 'condition_not_evaluable' },
    { name: 'a wrong operand type at run time fails with a reason', source: 'line.flag && true', context: { line: { flag: 1 } }, ok: false, code: 'condition_not_evaluable' },
    {
      name: 'instants are CEL timestamps',
      source: 'order.placedAt >= timestamp("2014-11-27T00:00:00-08:00")',
      context: { order: { placedAt: Temporal.Instant.from('2014-11-27T08:00:00Z') } },
      ok: true,
    },
    {
      name: 'a timestamp variable',
      source: 'at < timestamp("2014-11-27T08:00:00Z")',
      variables: { at: 'timestamp' },
      context: { at: Temporal.Instant.from('2014-11-27T07:59:59.999Z') },
      ok: true,
    },
    { name: 'plain dates are ISO text', source: 'month.key == "2025-04"', variables: { month: 'map' }, context: { month: { key: Temporal.PlainYearMonth.from('2025-04') } }, ok: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const decision: Decision = compileCondition(c.source, c.variables ?? orderScope, { rule: 'base' }).evaluate(c.context);
      assert.equal(decision.ok, c.ok, JSON.stringify(decision));
      if (!decision.ok) {
        assert.equal(decision.reasons.length, 1);
        assert.equal(decision.reasons[0]?.code, c.code);
        assert.equal(decision.reasons[0]?.rule, 'base');
        assert.ok(decision.reasons[0]?.message.en.includes(c.source));
      }
    });
  }

  it('says which rule and expression failed, in English and Japanese', () => {
    assert.deepEqual(giftCards.evaluate({ line: { category: 'gift-card' } }), {
      ok: false,
      reasons: [
        {
          rule: 'base',
          code: 'condition_not_met',
          message: {
            ja: 'ルール「base」の条件を満たしていません: line.category != "gift-card"',
            en: 'Condition of rule "base" is not met: line.category != "gift-card"',
          },
          params: { expression: 'line.category != "gift-card"' },
        },
      ],
    });
  });

  it('names the missing field', () => {
    const decision = giftCards.evaluate({ line: {} });
    assert.equal(decision.ok, false);
    assert.match(decision.ok ? '' : decision.reasons[0]?.message.en ?? '', /could not be evaluated \(No such key: category\): line\.category/);
  });

  it('compiles the same text once, whatever the rule', () => {
    const a = compileCondition('line.quantity > 0', orderScope, { rule: 'a' });
    const b = compileCondition('line.quantity > 0', orderScope, { rule: 'b' });
    assert.equal(a.rule, 'a');
    assert.equal(b.rule, 'b');
    assert.ok(Object.isFrozen(a));
  });

  it('evaluates a context converted once, extended per line', () => {
    const shared = celContext({ order: { currency: 'USD' }, member: { id: 'mbr_1' } });
    const condition = compileCondition('order.currency == "USD" && line.quantity > 1', orderScope, { rule: 'base' });
    assert.equal(condition.evaluate(shared.with({ line: { quantity: 2 } })).ok, true);
    assert.equal(condition.evaluate(shared.with({ line: { quantity: 1 } })).ok, false);
  });

  it('refuses a context that is not data (a fault, not a decision)', () => {
    assert.throws(() => giftCards.evaluate({ line: { category: () => 'tv' } }), /holds only data/);
    assert.throws(() => giftCards.evaluate({ line: new Map() }), /plain data/);
  });
});
