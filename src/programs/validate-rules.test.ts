import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { programLoadProblems } from '../../test/support/programs.js';
import { formatProblem, type ProgramLoadProblem } from './index.js';

/** Lines 1–8 of a valid program; each case appends a tiers or earning section from line 9. */
const head = [
  'key: x',
  'name: X',
  'timeZone: America/Los_Angeles',
  'currency: USD',
  'pointValue: { points: 100, amountMinor: 100 }',
  'expiry:',
  '  policy: none',
  '# rules from line 9',
].join('\n');

const spend = (extra = '') => `earning:
  creditOn: shipment
  spend:
    - id: base
      points: 1
      per: 100
      amounts: [price]
      rounding: floor
${extra}`;

const tenureLadder = (rows: string) => `tiers:
  basis: tenure
  ladder:
${rows}`;

function load(section: string): ProgramLoadProblem[] {
  return programLoadProblems('x', `${head}\n${section}`);
}

describe('the loader accepts tiers and earning rules', () => {
  it('loads spend rules, a promotion, a bonus, a grant, partners and forfeit events', () => {
    const problems = load(
      spend(`      when: 'line.category != "gift-card"'
  promotions:
    - { id: holiday, from: 2014-11-27, until: 2014-12-31, multiplier: 5, rules: [base], when: 'order.currency == "USD"' }
  promotionStacking: sum
  returns: { clawback: up_to_available }
  enrolmentBonus:
    - { id: welcome, points: 250, from: 2014-09-21, until: 2014-12-31, cap: 1000, notMemberWithinDays: 90 }
  monthlyGrants:
    - { id: monthly, pointsByContractType: { fiber: 500 }, when: 'contract.inService && month.key >= "2025-01"' }
  partners: [{ id: card, name: Card }]
  forfeitOn: [contract.cancelled, member.left]
tiers:
  basis: points_earned
  windowMonths: 12
  ladder:
    - { key: base, minPoints: 0 }
    - { key: gold, minPoints: 10000, when: 'member.attributes.vip && pointsEarnedInWindow > 0' }
`),
    );
    assert.deepEqual(problems.map(formatProblem), []);
  });
});

describe('the loader refuses a wrong tier or earning rule with its line and reason', () => {
  const cases: { name: string; section: string; errors: [line: number, column: number, reason: RegExp][] }[] = [
    {
      name: 'a CEL syntax error in a spend rule',
      section: spend(`      when: 'line.category = "gift-card"'\n`),
      errors: [[17, 13, /^earning\.spend\.0\.when: CEL: Unexpected character: = at character 15 of "line\.category = \\"gift-card\\""/]],
    },
    {
      name: 'a variable a tier condition does not have',
      section: tenureLadder(`    - { key: a, minYears: 0 }\n    - { key: b, minYears: 1, when: 'line.quantity > 1' }\n`),
      errors: [[13, 36, /^tiers\.ladder\.1\.when: CEL: Unknown variable: line/]],
    },
    {
      name: 'a condition that is not true or false',
      section: `earning:\n  monthlyGrants:\n    - { id: m, pointsByContractType: { fiber: 500 }, when: 'month.key + "x"' }\n`,
      errors: [[11, 60, /^earning\.monthlyGrants\.0\.when: CEL: .*must be true or false, but this gives string/]],
    },
    {
      name: 'a promotion naming a rule that does not exist',
      section: spend(`  promotions:\n    - { id: p, from: 2014-11-27, until: 2014-12-31, multiplier: 5, rules: [bsae] }\n`),
      errors: [[18, 76, /^promotion "p" names rule "bsae", which is not a spend rule \(spend rules: base\)/]],
    },
    {
      name: 'a promotion ending before it starts',
      section: spend(`  promotions:\n    - { id: p, from: 2014-12-31, until: 2014-11-27, multiplier: 5, rules: [base] }\n`),
      errors: [[18, 41, /^until 2014-11-27 is before from 2014-12-31 in "p"/]],
    },
    {
      name: 'a day that does not exist',
      section: `earning:\n  enrolmentBonus:\n    - { id: b, points: 250, from: 2014-02-30, until: 2014-12-31 }\n`,
      errors: [[11, 35, /^from "2014-02-30" is not a day of the calendar/]],
    },
    {
      name: 'a date written another way',
      section: `earning:\n  enrolmentBonus:\n    - { id: b, points: 250, from: 9/21/2014, until: 2014-12-31 }\n`,
      errors: [[11, 35, /^earning\.enrolmentBonus\.0\.from "9\/21\/2014" must be a date written YYYY-MM-DD/]],
    },
    {
      name: 'an unknown tier basis',
      section: `tiers:\n  basis: spend\n  ladder: []\n`,
      errors: [[10, 10, /^tiers\.basis "spend" must be one of: tenure, points_earned/]],
    },
    {
      name: 'a points ladder without its window',
      section: `tiers:\n  basis: points_earned\n  ladder:\n    - { key: a, minPoints: 0 }\n`,
      errors: [[10, 3, /^missing required key "tiers\.windowMonths"/]],
    },
    {
      name: 'a tenure row with a points threshold',
      section: tenureLadder(`    - { key: a, minPoints: 0 }\n`),
      errors: [
        [12, 7, /^missing required key "tiers\.ladder\.0\.minYears"/],
        [12, 17, /^unknown key "tiers\.ladder\.0\.minPoints" \(allowed here: key, minYears, when, names\)/],
      ],
    },
    {
      name: 'a ladder that descends',
      section: tenureLadder(`    - { key: a, minYears: 0 }\n    - { key: b, minYears: 5 }\n    - { key: c, minYears: 2 }\n`),
      errors: [[14, 27, /^tiers\.ladder must ascend: minYears 2 of "c" is below 5 of the tier before/]],
    },
    {
      name: 'a tier key used twice',
      section: tenureLadder(`    - { key: a, minYears: 0 }\n    - { key: a, minYears: 2 }\n`),
      errors: [[13, 14, /^tier key "a" is used twice/]],
    },
    {
      name: 'a first tier that not every member reaches',
      section: tenureLadder(`    - { key: a, minYears: 1 }\n`),
      errors: [[12, 7, /^the first tier "a" must have minYears: 0 and no when/]],
    },
    {
      name: 'two tiers at the same tenure, the higher without a condition',
      section: tenureLadder(`    - { key: a, minYears: 0 }\n    - { key: b, minYears: 15 }\n    - { key: c, minYears: 15 }\n`),
      errors: [[14, 7, /^tier "c" has the same minYears as the tier before, so it needs a when/]],
    },
    {
      name: 'spend rules without saying when they are credited (SR-3)',
      section: spend().replace('  creditOn: shipment\n', ''),
      errors: [[10, 3, /^missing required key "earning\.creditOn" \(shipment or placement\) for spend rules/]],
    },
    {
      name: 'one id for two rules',
      section: spend(`  promotions:\n    - { id: base, from: 2014-11-27, until: 2014-12-31, multiplier: 5, rules: [base] }\n`),
      errors: [[18, 13, /^rule id "base" is also used by earning\.spend\.0/]],
    },
    {
      name: 'an amount that is not a part of a line',
      section: spend().replace('[price]', '[price, discount]'),
      errors: [[15, 24, /^earning\.spend\.0\.amounts\.1 "discount" must be one of: price, tax, shipping, fees/]],
    },
    {
      name: 'a multiplier of zero',
      section: spend(`  promotions:\n    - { id: p, from: 2014-11-27, until: 2014-12-31, multiplier: 0, rules: [base] }\n`),
      errors: [[18, 65, /^earning\.promotions\.0\.multiplier 0 must be >= 1/]],
    },
    {
      name: 'a forfeit event that does not exist',
      section: `earning:\n  forfeitOn: [contract.ended]\n`,
      errors: [[10, 15, /^earning\.forfeitOn\.0 "contract\.ended" must be one of: contract\.cancelled, contract\.converted, member\.left/]],
    },
    {
      name: 'a misspelt earning key',
      section: spend('  promotionStaking: best\n'),
      errors: [[17, 3, /^unknown key "earning\.promotionStaking" \(allowed here: creditOn, spend, promotions/]],
    },
    {
      name: 'monthly points that are not whole',
      section: `earning:\n  monthlyGrants:\n    - { id: m, pointsByContractType: { fiber: 1.5 } }\n`,
      errors: [[11, 47, /^earning\.monthlyGrants\.0\.pointsByContractType\.fiber 1\.5 must be a whole number/]],
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      const problems = load(c.section);
      assert.equal(problems.length, c.errors.length, problems.map(formatProblem).join('\n'));
      for (const [index, [line, column, reason]] of c.errors.entries()) {
        const problem = problems[index];
        assert.deepEqual([problem?.line, problem?.column], [line, column], problem?.message);
        assert.match(problem?.message ?? '', reason);
      }
    });
  }
});
