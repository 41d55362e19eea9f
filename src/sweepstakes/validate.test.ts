import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { capBreaches } from './legal.js';
import { validateSweepstakes } from './validate.js';

const file = 'examples/programs/sonet/sweepstakes/status-up-present.yaml';
const example = () => parse(readFileSync(file, 'utf8')) as Record<string, unknown> & { prizes: Record<string, unknown>[]; legal: Record<string, unknown> };

describe('sweepstakes definitions', () => {
  it('accepts the SU example', () => {
    assert.deepEqual(validateSweepstakes(example(), file, 1), []);
  });

  it('refuses a prize above 20 × the transaction value, naming the premium law (JP defaults)', () => {
    const data = example();
    data.legal.transactionValueMinor = 2000; // S (50,000) > 20 × 2,000
    const problems = validateSweepstakes(data, file, 1);
    assert.deepEqual(problems.map((p) => p.path), [['prizes', 0, 'points']]);
    assert.match(problems[0]?.message ?? '', /prize S is worth 50000; JP premium law \(general lottery\) allows at most 40000/u);
  });

  it('caps a prize at 100,000 however large the transaction, and the total at 2 % of expected sales', () => {
    const prizes = [{ key: 'S', points: 100_001, winners: 2 }];
    const legal = { country: 'JP', transactionValueMinor: 1_000_000, expectedSalesMinor: 10_000_000 };
    const breaches = capBreaches({ prizes, legal } as never, 1);
    assert.equal(breaches.length, 2);
    assert.match(breaches[0]?.message ?? '', /at most 100000/u);
    assert.match(breaches[1]?.message ?? '', /at most 200000 \(2 % of the expected sales 10000000\)/u);
    assert.deepEqual(capBreaches({ prizes: [{ key: 'S', points: 100_000, winners: 2 }], legal } as never, 1), [], '200,000 is exactly 2 %');
  });

  it('caps a joint lottery at 300,000 a prize and 3 % in all, and leaves an open lottery uncapped (H3)', () => {
    const legal = { country: 'JP', kind: 'joint', transactionValueMinor: 100, expectedSalesMinor: 20_000_000 };
    assert.deepEqual(capBreaches({ prizes: [{ key: 'S', points: 300_000, winners: 1 }], legal } as never, 1), [], 'no 20× rule for a joint lottery');
    const over = capBreaches({ prizes: [{ key: 'S', points: 300_001, winners: 1 }], legal } as never, 1);
    assert.deepEqual(over.map((b) => b.message), ['prize S is worth 300001; JP premium law (joint lottery) allows at most 300000 (whatever the transaction value)']);
    const total = capBreaches({ prizes: [{ key: 'A', points: 100_000, winners: 3 }, { key: 'B', points: 1, winners: 1 }], legal: { ...legal, expectedSalesMinor: 10_000_000 } } as never, 1);
    assert.match(total[0]?.message ?? '', /worth 300001 together; JP premium law \(joint lottery\) allows at most 300000 \(3 % of the expected sales 10000000\)/u);
    assert.deepEqual(capBreaches({ prizes: [{ key: 'S', points: 10_000_000, winners: 9 }], legal: { ...legal, kind: 'open' } } as never, 1), []);
  });

  it('caps what every entrant gets as a giveaway: 200 under a 1,000 transaction, else 20 % (総付景品, H3)', () => {
    const prizes = [{ key: 'S', points: 100, winners: 1 }];
    const small = { country: 'JP', transactionValueMinor: 999, expectedSalesMinor: 10_000_000 };
    assert.deepEqual(capBreaches({ prizes, legal: small, participation: { points: 200, afterDays: 1 } } as never, 1), []);
    const flat = capBreaches({ prizes, legal: small, participation: { points: 201, afterDays: 1 } } as never, 1);
    assert.deepEqual(flat, [{ prize: 'participation', message: 'the participation reward is worth 201 to every entrant; JP premium law (general lottery) allows a giveaway of at most 200 (200 for a transaction under 1000)' }]);
    const su = { ...small, transactionValueMinor: 4158 }; // SU: 20 % of 4,158 is 831
    assert.deepEqual(capBreaches({ prizes, legal: su, participation: { points: 831, afterDays: 1 } } as never, 1), []);
    assert.match(capBreaches({ prizes, legal: su, participation: { points: 832, afterDays: 1 } } as never, 1)[0]?.message ?? '', /at most 831 \(20 % of the transaction value 4158\)/u);
    const data = example();
    (data.participation as { points: number }).points = 1000;
    const problems = validateSweepstakes(data, file, 1);
    assert.deepEqual(problems.map((p) => p.path), [['participation', 'points']], 'the loader names the participation reward');
  });

  it('takes caps from the definition for a country without defaults, and refuses when there are none', () => {
    const prizes = [{ key: 'S', points: 500, winners: 1 }];
    const legal = { country: 'US', transactionValueMinor: 100, expectedSalesMinor: 100_000 };
    assert.match(capBreaches({ prizes, legal } as never, 1)[0]?.message ?? '', /no premium caps are known for US/u);
    const caps = { prizeMultiple: 10, prizeMaxMinor: 1000, totalShareOfSales: 0.5 };
    assert.deepEqual(capBreaches({ prizes, legal: { ...legal, caps } } as never, 1), []);
    const participation = { points: 5, afterDays: 1 };
    assert.match(capBreaches({ prizes, legal: { ...legal, caps }, participation } as never, 1)[0]?.message ?? '', /no giveaway caps are known for US/u);
    const withGiveaway = { ...caps, giveawayThresholdMinor: 0, giveawayFlatMinor: 0, giveawayShare: 0.05 };
    assert.deepEqual(capBreaches({ prizes, legal: { ...legal, caps: withGiveaway }, participation } as never, 1), []);
  });

  it('refuses a CEL error, an unknown prize reference, a repeated key and a key unlike the file name', () => {
    const data = example();
    data.prizes[1] = { ...data.prizes[1], when: 'statusChange.up &&' };
    data.prizes[2] = { ...data.prizes[2], key: 'A' };
    (data.invitations as { prizes: string[] }).prizes = ['A', 'Z'];
    data.key = 'other-name';
    const messages = validateSweepstakes(data, file, 1).map((p) => p.message);
    assert.ok(messages.some((m) => /must equal its file's name "status-up-present"/u.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /prize key "A" is used twice/u.test(m)));
    assert.ok(messages.some((m) => /invitations.prizes names prize "Z"/u.test(m)));
    assert.ok(messages.some((m) => /prizes.1.when: CEL/u.test(m)));
  });

  it('refuses an invitation offering a prize entered on the web only (SU-5)', () => {
    const data = example();
    (data.invitations as { prizes: string[] }).prizes = ['S'];
    assert.match(validateSweepstakes(data, file, 1)[0]?.message ?? '', /prize "S" is not entered by email/u);
  });
});
