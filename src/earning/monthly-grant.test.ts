import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { createRegistry, loadPrograms } from '../programs/index.js';
import { grantFor, type ContractFacts } from './index.js';

const programs = createRegistry(loadPrograms('examples/programs'));
const flets = programs.get('flets-club');
assert.ok(flets);
const at = (text: string) => Temporal.Instant.from(text);
const member = { id: 'mbr_1', attributes: {} };

function givenContract(facts: Partial<ContractFacts> = {}): ContractFacts {
  return {
    id: 'ctr_1',
    type: 'flets-hikari',
    plan: 'family',
    services: ['fiber'],
    commitmentDiscount: true,
    status: 'active',
    inService: true,
    startedAt: at('2020-04-01T00:00:00+09:00'),
    ...facts,
  };
}

describe('grantFor: the flets-club example (FL-2)', () => {
  const cases: { name: string; contract: ContractFacts; month?: string; code?: string }[] = [
    { name: 'FL-2 a fibre contract with the commitment discount, in service', contract: givenContract() },
    { name: 'FL-2 none without the 2-year commitment discount', contract: givenContract({ commitmentDiscount: false }), code: 'condition_not_met' },
    { name: 'FL-2 none when the service is not in use at grant time', contract: givenContract({ inService: false }), code: 'condition_not_met' },
    {
      name: 'FL-2 none when cancelled at the end of the previous month',
      contract: givenContract({ status: 'cancelled', endedAt: at('2025-04-01T00:00:00+09:00') }),
      code: 'condition_not_met',
    },
    {
      name: 'FL-2 none when cancelled the day before the grant (its service ended)',
      contract: givenContract({ status: 'cancelled', endedAt: at('2025-03-31T10:00:00+09:00'), inService: false }),
      code: 'condition_not_met',
    },
    {
      name: 'FL-2 granted when cancelled during the month, if still in service at grant time',
      contract: givenContract({ status: 'cancelled', endedAt: at('2025-04-01T00:00:01+09:00') }),
    },
    { name: 'FL-2 a null end (members/ rows) is no end', contract: givenContract({ endedAt: null }) },
    { name: 'FL-2 none for a contract type without points', contract: givenContract({ type: 'mobile' }), code: 'contract_type_not_granted' },
    { name: 'FL-2 the month is Tokyo\'s: April starts at 2025-03-31T15:00Z', contract: givenContract({ status: 'cancelled', endedAt: at('2025-03-31T15:00:00Z') }), code: 'condition_not_met' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const decision = grantFor(flets, c.contract, member, c.month ?? '2025-04');
      if (c.code === undefined) assert.deepEqual(decision, { points: 500, rule: 'monthly-points' });
      else assert.deepEqual('none' in decision ? decision.none.map((reason) => reason.code) : decision, [c.code]);
    });
  }

  it('FL-9 500 pt a month is 6,000 pt a year', () => {
    const months = Array.from({ length: 12 }, (_, index) => Temporal.PlainYearMonth.from('2025-04').add({ months: index }).toString());
    const total = months.reduce((sum, month) => {
      const decision = grantFor(flets, givenContract(), member, month);
      return sum + ('points' in decision ? decision.points : 0);
    }, 0);
    assert.equal(total, 6000);
  });

  it('explains a refusal naming the rule and its condition', () => {
    const decision = grantFor(flets, givenContract({ commitmentDiscount: false }), member, '2025-04');
    assert.ok('none' in decision);
    assert.match(decision.none[0]?.message.en ?? '', /^Condition of rule "monthly-points" is not met: contract\.commitmentDiscount/);
  });

  it('a program without monthly grants says so', () => {
    const sony = programs.get('sony-rewards');
    assert.ok(sony);
    const decision = grantFor(sony, givenContract(), member, '2025-04');
    assert.deepEqual('none' in decision ? decision.none.map((reason) => reason.code) : decision, ['no_monthly_grants']);
  });

  it('a billing month that is not YYYY-MM is a caller\'s bug', () => {
    assert.throws(() => grantFor(flets, givenContract(), member, '2025-4'), /billing month is YYYY-MM/);
  });
});
