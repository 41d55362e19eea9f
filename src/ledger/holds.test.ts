import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeStorage } from '../../test/support/databases.js';
import {
  T0,
  apply,
  cancel,
  confirm,
  day,
  debit,
  givenAccount,
  hold,
  readAllocations,
  readFootprint,
  readLots,
  readPostings,
  reverse,
} from '../../test/support/ledger-fixtures.js';
import { getBalance, post } from './index.js';

describeStorage('ledger holds (pending points)', (ctx) => {
  it('SR-3 held points are pending, not available, and cannot be spent', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 20 }] });
    const held = await post(ctx.db, hold(member, 100, { expiresAt: day(90) }), T0);
    assert.deepEqual([held.available, held.pending], [20, 100]);
    assert.deepEqual(await readPostings(ctx.db, member, held.transactionId), { 'member:pending': 100, 'program:issued': -100 });
    assert.deepEqual(await readLots(ctx.db, member), [{ expiresAt: 'never', lotClass: 'base', remaining: 20, expired: 0 }]);
    assert.deepEqual(await apply(ctx.db, debit(member, 21)), { status: 'insufficient_points', available: 20, requested: 21 });
    assert.equal((await apply(ctx.db, debit(member, 20))).status, 'created');
    assert.deepEqual(await getBalance(ctx.db, member, T0), { available: 0, pending: 100, expiring: [] });
  });

  it('a partial confirm moves points into a lot with the hold’s expiry; cancelling the rest returns them to the program', async () => {
    const { member } = await givenAccount(ctx.db);
    const held = await post(ctx.db, hold(member, 100, { expiresAt: day(90) }), T0);

    const confirmed = await post(ctx.db, confirm(member, held.transactionId, { points: 60 }), day(1));
    assert.deepEqual([confirmed.points, confirmed.available, confirmed.pending], [60, 60, 40]);
    assert.deepEqual(await readPostings(ctx.db, member, confirmed.transactionId), { 'member:available': 60, 'member:pending': -60 });
    assert.deepEqual(await readAllocations(ctx.db, member, confirmed.transactionId), [
      { expiresAt: day(90).toString(), lotClass: 'base', remainingDelta: 60, expiredDelta: 0 },
    ]);

    const cancelled = await post(ctx.db, cancel(member, held.transactionId), day(2));
    assert.deepEqual([cancelled.points, cancelled.available, cancelled.pending], [40, 60, 0]);
    assert.deepEqual(await readPostings(ctx.db, member, cancelled.transactionId), { 'member:pending': -40, 'program:issued': 40 });
    assert.deepEqual(await getBalance(ctx.db, member, day(2)), {
      available: 60,
      pending: 0,
      expiring: [{ points: 60, expiresAt: day(90).toString() }],
    });
  });

  it('settling more than is still open on the hold is refused with exceeds_original and writes nothing', async () => {
    const { member } = await givenAccount(ctx.db);
    const held = await post(ctx.db, hold(member, 100), T0);
    await post(ctx.db, confirm(member, held.transactionId, { points: 70 }), T0);
    const before = await readFootprint(ctx.db, member);
    assert.deepEqual(await apply(ctx.db, confirm(member, held.transactionId, { points: 31 })), {
      status: 'exceeds_original',
      remaining: 30,
      requested: 31,
    });
    assert.equal((await apply(ctx.db, cancel(member, held.transactionId, { points: 31 }))).status, 'exceeds_original');
    assert.deepEqual(await readFootprint(ctx.db, member), before);
    await post(ctx.db, cancel(member, held.transactionId), T0);
    // Nothing left open: settling "the rest" is settling zero points.
    await assert.rejects(post(ctx.db, confirm(member, held.transactionId), T0), { code: 'exceeds_original' });
    await assert.rejects(post(ctx.db, cancel(member, held.transactionId), T0), { code: 'exceeds_original' });
  });

  it('a confirm with its own expiry fills that lot; without one, a hold without expiry never expires', async () => {
    const { member } = await givenAccount(ctx.db);
    const held = await post(ctx.db, hold(member, 100, { expiresAt: day(90), lotClass: 'partner' }), T0);
    await post(ctx.db, confirm(member, held.transactionId, { points: 30, expiresAt: day(365) }), T0);
    await post(ctx.db, confirm(member, held.transactionId, { points: 30 }), T0);
    const open = await post(ctx.db, hold(member, 10), T0);
    await post(ctx.db, confirm(member, open.transactionId), T0);
    assert.deepEqual(await readLots(ctx.db, member), [
      { expiresAt: day(90).toString(), lotClass: 'partner', remaining: 30, expired: 0 },
      { expiresAt: day(365).toString(), lotClass: 'partner', remaining: 30, expired: 0 },
      { expiresAt: 'never', lotClass: 'base', remaining: 10, expired: 0 },
    ]);
    assert.deepEqual(await getBalance(ctx.db, member, T0), {
      available: 70,
      pending: 40,
      expiring: [
        { points: 30, expiresAt: day(90).toString() },
        { points: 30, expiresAt: day(365).toString() },
      ],
    });
  });

  it('a confirm whose expiry is not in the future is refused with invalid_expiry and writes nothing', async () => {
    const { member } = await givenAccount(ctx.db);
    const held = await post(ctx.db, hold(member, 100, { expiresAt: day(10) }), T0);
    const before = await readFootprint(ctx.db, member);
    // The hold's own expiry has passed by the time the order ships.
    assert.equal((await apply(ctx.db, confirm(member, held.transactionId), day(10))).status, 'invalid_expiry');
    assert.equal((await apply(ctx.db, confirm(member, held.transactionId, { expiresAt: T0 }))).status, 'invalid_expiry');
    assert.deepEqual(await readFootprint(ctx.db, member), before);
    // A later expiry on the confirm itself rescues it; cancelling needs no expiry.
    assert.equal((await apply(ctx.db, confirm(member, held.transactionId, { points: 50, expiresAt: day(40) }), day(10))).status, 'created');
    assert.equal((await apply(ctx.db, cancel(member, held.transactionId), day(10))).status, 'created');
  });

  it('settling an unknown transaction, or one that is not a hold, is refused with not_found', async () => {
    const { member, credits } = await givenAccount(ctx.db, { credits: [{ points: 10 }] });
    const other = await givenAccount(ctx.db);
    const othersHold = await post(ctx.db, hold(other.member, 10), T0);
    const earned = credits[0]?.transactionId ?? '';
    for (const transaction of ['txn_unknown', earned, othersHold.transactionId]) {
      assert.equal((await apply(ctx.db, confirm(member, transaction))).status, 'not_found', transaction);
      assert.equal((await apply(ctx.db, cancel(member, transaction))).status, 'not_found', transaction);
    }
  });

  it('a hold cannot be reversed (it is cancelled); a confirm is reversed like a credit, from its own lot', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 50, expiresAt: day(20) }] });
    const held = await post(ctx.db, hold(member, 100, { expiresAt: day(60) }), T0);
    assert.deepEqual(await apply(ctx.db, reverse(member, held.transactionId)), { status: 'not_reversible', op: 'hold' });
    const confirmed = await post(ctx.db, confirm(member, held.transactionId, { points: 80 }), T0);
    const reversed = await post(ctx.db, reverse(member, confirmed.transactionId, { points: 30 }), T0);
    assert.deepEqual([reversed.available, reversed.pending], [100, 20]);
    assert.deepEqual(await readLots(ctx.db, member), [
      { expiresAt: day(20).toString(), lotClass: 'base', remaining: 50, expired: 0 },
      { expiresAt: day(60).toString(), lotClass: 'base', remaining: 50, expired: 0 },
    ]);
  });

  it('a hold on a member who owes points (clawback) is confirmed into the debt first', async () => {
    const { member, credits } = await givenAccount(ctx.db, { credits: [{ points: 100 }] });
    await post(ctx.db, debit(member, 100), T0);
    const earned = credits[0]?.transactionId ?? '';
    const clawback = await post(ctx.db, reverse(member, earned, { allowNegative: true }), T0);
    assert.equal(clawback.available, -100);
    const held = await post(ctx.db, hold(member, 150, { expiresAt: day(30) }), T0);
    const confirmed = await post(ctx.db, confirm(member, held.transactionId), T0);
    assert.equal(confirmed.available, 50);
    assert.deepEqual(await readAllocations(ctx.db, member, confirmed.transactionId), [
      { expiresAt: day(30).toString(), lotClass: 'base', remainingDelta: 50, expiredDelta: 0 },
    ]);
  });
});
