import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeStorage } from '../../test/support/databases.js';
import {
  T0,
  apply,
  day,
  debit,
  forfeit,
  givenAccount,
  hold,
  readAllocations,
  readFootprint,
  readLots,
  readPostings,
  reverse,
} from '../../test/support/ledger-fixtures.js';
import { getBalance, listTransactions, post } from './index.js';

describeStorage('ledger forfeit', (ctx) => {
  it('FL-10 forfeit takes every available point at once, from every lot, and leaves pending alone', async () => {
    const { member } = await givenAccount(ctx.db, {
      credits: [{ points: 100, expiresAt: day(10) }, { points: 50, expiresAt: day(20), lotClass: 'bonus' }, { points: 25 }],
    });
    await post(ctx.db, hold(member, 40), T0);
    const forfeited = await post(ctx.db, forfeit(member, { reason: 'membership cancelled' }), T0);
    assert.deepEqual([forfeited.points, forfeited.available, forfeited.pending], [175, 0, 40]);
    assert.deepEqual(await readPostings(ctx.db, member, forfeited.transactionId), { 'member:available': -175, 'program:forfeited': 175 });
    assert.deepEqual(await readAllocations(ctx.db, member, forfeited.transactionId), [
      { expiresAt: day(10).toString(), lotClass: 'base', remainingDelta: -100, expiredDelta: 0 },
      { expiresAt: day(20).toString(), lotClass: 'bonus', remainingDelta: -50, expiredDelta: 0 },
      { expiresAt: 'never', lotClass: 'base', remainingDelta: -25, expiredDelta: 0 },
    ]);
    assert.deepEqual(await getBalance(ctx.db, member, T0), { available: 0, pending: 40, expiring: [] });
  });

  it('a member with no points is refused with nothing_to_forfeit, and nothing is written', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 30 }] });
    await post(ctx.db, debit(member, 30), T0);
    await post(ctx.db, hold(member, 10), T0);
    const before = await readFootprint(ctx.db, member);
    assert.deepEqual(await apply(ctx.db, forfeit(member)), { status: 'nothing_to_forfeit', available: 0 });
    await assert.rejects(post(ctx.db, forfeit(member), T0), { code: 'nothing_to_forfeit' });
    assert.deepEqual(await readFootprint(ctx.db, member), before);
  });

  it('a second forfeit finds nothing; a replay of the first returns its result', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 30 }] });
    const op = forfeit(member);
    const first = await apply(ctx.db, op);
    assert.equal(first.status, 'created');
    assert.equal((await apply(ctx.db, forfeit(member))).status, 'nothing_to_forfeit');
    assert.deepEqual(await apply(ctx.db, op), { ...first, status: 'replayed' });
  });

  it('points already due expire first: they go to program:expired, not program:forfeited', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 100, expiresAt: day(10) }, { points: 20 }] });
    const forfeited = await post(ctx.db, forfeit(member), day(11));
    assert.equal(forfeited.points, 20);
    assert.deepEqual(
      (await listTransactions(ctx.db, member, { limit: 2 })).map((t) => [t.op, t.points]),
      [
        ['forfeit', -20],
        ['expire', -100],
      ],
    );
    assert.deepEqual((await readLots(ctx.db, member)).map((l) => [l.remaining, l.expired]), [[0, 100], [0, 0]]);
  });

  it('a member who owes points (clawback) has nothing to forfeit', async () => {
    const { member, credits } = await givenAccount(ctx.db, { credits: [{ points: 50 }] });
    await post(ctx.db, debit(member, 50), T0);
    await post(ctx.db, reverse(member, credits[0]?.transactionId ?? '', { allowNegative: true }), T0);
    assert.deepEqual(await apply(ctx.db, forfeit(member)), { status: 'nothing_to_forfeit', available: -50 });
  });
});
