import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeStorage } from '../../test/support/databases.js';
import {
  T0,
  apply,
  credit,
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

function idOf(posted: { transactionId: string } | undefined): string {
  assert.ok(posted, 'the account was given that credit');
  return posted.transactionId;
}

describeStorage('ledger reversals', (ctx) => {
  it('reversing a whole debit restores exactly the lots it consumed', async () => {
    const { member } = await givenAccount(ctx.db, {
      credits: [{ points: 100, expiresAt: day(10) }, { points: 100, expiresAt: day(20) }, { points: 100 }],
    });
    const redeem = await post(ctx.db, debit(member, 250), T0);
    const before = await readLots(ctx.db, member);
    assert.deepEqual(before.map((l) => l.remaining), [0, 0, 50]);
    const reversed = await post(ctx.db, reverse(member, redeem.transactionId, { kind: 'return' }), T0);
    assert.equal(reversed.points, 250);
    assert.equal(reversed.available, 300);
    assert.deepEqual(await readAllocations(ctx.db, member, reversed.transactionId), [
      { expiresAt: day(10).toString(), lotClass: 'base', remainingDelta: 100, expiredDelta: 0 },
      { expiresAt: day(20).toString(), lotClass: 'base', remainingDelta: 100, expiredDelta: 0 },
      { expiresAt: 'never', lotClass: 'base', remainingDelta: 50, expiredDelta: 0 },
    ]);
    assert.deepEqual((await readLots(ctx.db, member)).map((l) => l.remaining), [100, 100, 100]);
    assert.deepEqual(await readPostings(ctx.db, member, reversed.transactionId), { 'member:available': 250, 'program:redeemed': -250 });
    const [txn] = await listTransactions(ctx.db, member, { limit: 1 });
    assert.deepEqual([txn?.op, txn?.kind, txn?.reverses, txn?.points], ['reverse', 'return', redeem.transactionId, 250]);
  });

  it('partial reversals of a debit restore the latest-expiring lots first, until the debit is used up', async () => {
    const { member } = await givenAccount(ctx.db, {
      credits: [{ points: 100, expiresAt: day(10) }, { points: 100, expiresAt: day(20) }, { points: 100 }],
    });
    const redeem = await post(ctx.db, debit(member, 250), T0);
    const first = await post(ctx.db, reverse(member, redeem.transactionId, { points: 120 }), T0);
    assert.deepEqual(await readAllocations(ctx.db, member, first.transactionId), [
      { expiresAt: day(20).toString(), lotClass: 'base', remainingDelta: 70, expiredDelta: 0 },
      { expiresAt: 'never', lotClass: 'base', remainingDelta: 50, expiredDelta: 0 },
    ]);
    const second = await post(ctx.db, reverse(member, redeem.transactionId, { points: 100 }), T0);
    assert.deepEqual(await readAllocations(ctx.db, member, second.transactionId), [
      { expiresAt: day(10).toString(), lotClass: 'base', remainingDelta: 70, expiredDelta: 0 },
      { expiresAt: day(20).toString(), lotClass: 'base', remainingDelta: 30, expiredDelta: 0 },
    ]);
    const before = await readFootprint(ctx.db, member);
    assert.deepEqual(await apply(ctx.db, reverse(member, redeem.transactionId, { points: 31 })), {
      status: 'exceeds_original',
      remaining: 30,
      requested: 31,
    });
    assert.deepEqual(await readFootprint(ctx.db, member), before);
    const last = await post(ctx.db, reverse(member, redeem.transactionId), T0);
    assert.equal(last.points, 30);
    assert.deepEqual((await readLots(ctx.db, member)).map((l) => l.remaining), [100, 100, 100]);
    // Nothing is left to reverse: "the rest" is zero points.
    assert.equal((await apply(ctx.db, reverse(member, redeem.transactionId))).status, 'exceeds_original');
  });

  it('points of a lot that has expired since the debit come back expired: the balance does not rise', async () => {
    const { member } = await givenAccount(ctx.db, {
      credits: [{ points: 100, expiresAt: day(10) }, { points: 100, expiresAt: day(20) }],
    });
    const redeem = await post(ctx.db, debit(member, 150), T0);
    assert.equal(redeem.available, 50);
    const now = day(15);
    // Reverse part first: the latest lot (still valid) comes back spendable.
    const spendable = await post(ctx.db, reverse(member, redeem.transactionId, { points: 50 }), now);
    assert.equal(spendable.available, 100);
    // The rest belonged to the lot that expired on day 10: it comes back expired.
    const expired = await post(ctx.db, reverse(member, redeem.transactionId), now);
    assert.equal(expired.points, 100);
    assert.equal(expired.available, 100);
    assert.deepEqual(await readAllocations(ctx.db, member, expired.transactionId), [
      { expiresAt: day(10).toString(), lotClass: 'base', remainingDelta: 0, expiredDelta: 100 },
    ]);
    assert.deepEqual(await readPostings(ctx.db, member, expired.transactionId), { 'program:expired': 100, 'program:redeemed': -100 });
    assert.deepEqual(await readLots(ctx.db, member), [
      { expiresAt: day(10).toString(), lotClass: 'base', remaining: 0, expired: 100 },
      { expiresAt: day(20).toString(), lotClass: 'base', remaining: 100, expired: 0 },
    ]);
    assert.deepEqual(await getBalance(ctx.db, member, now), {
      available: 100,
      pending: 0,
      expiring: [{ points: 100, expiresAt: day(20).toString() }],
    });
  });

  it('reversing a debit after its lot expired with points left in it expires the returned points too', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 100, expiresAt: day(10) }] });
    const redeem = await post(ctx.db, debit(member, 40), T0);
    const reversed = await post(ctx.db, reverse(member, redeem.transactionId), day(11));
    // The reversal first swept the 60 due points (lazy expiry), then returned the 40 as expired.
    assert.equal(reversed.available, 0);
    assert.deepEqual(await readLots(ctx.db, member), [{ expiresAt: day(10).toString(), lotClass: 'base', remaining: 0, expired: 100 }]);
  });

  it('reversing a credit takes from its own lot first, not from the earliest-expiring one', async () => {
    const { member, credits } = await givenAccount(ctx.db, {
      credits: [{ points: 100, expiresAt: day(10) }, { points: 100, expiresAt: day(20) }, { points: 100 }],
    });
    const reversed = await post(ctx.db, reverse(member, idOf(credits[1]), { points: 60 }), T0);
    assert.equal(reversed.available, 240);
    assert.deepEqual(await readAllocations(ctx.db, member, reversed.transactionId), [
      { expiresAt: day(20).toString(), lotClass: 'base', remainingDelta: -60, expiredDelta: 0 },
    ]);
    assert.deepEqual(await readPostings(ctx.db, member, reversed.transactionId), { 'member:available': -60, 'program:issued': 60 });
  });

  it('when its own lot was partly spent, a credit reversal takes the rest earliest expiry first', async () => {
    const { member, credits } = await givenAccount(ctx.db, {
      credits: [{ points: 100, expiresAt: day(20) }, { points: 100 }, { points: 100, expiresAt: day(10) }],
    });
    // Spends all of day 10 and 70 of day 20.
    await post(ctx.db, debit(member, 170), T0);
    const reversed = await post(ctx.db, reverse(member, idOf(credits[0])), T0);
    assert.equal(reversed.available, 30);
    assert.deepEqual(await readAllocations(ctx.db, member, reversed.transactionId), [
      { expiresAt: day(20).toString(), lotClass: 'base', remainingDelta: -30, expiredDelta: 0 },
      { expiresAt: 'never', lotClass: 'base', remainingDelta: -70, expiredDelta: 0 },
    ]);
  });

  it('reversing a credit whose lot expired takes the expired points back from program:expired', async () => {
    const { member, credits } = await givenAccount(ctx.db, {
      credits: [{ points: 100, expiresAt: day(10) }, { points: 50 }],
    });
    const reversed = await post(ctx.db, reverse(member, idOf(credits[0])), day(11));
    // The member no longer had those points: the balance keeps the 50 that never expire.
    assert.equal(reversed.available, 50);
    assert.deepEqual(await readPostings(ctx.db, member, reversed.transactionId), { 'program:expired': -100, 'program:issued': 100 });
    assert.deepEqual(await readLots(ctx.db, member), [
      { expiresAt: day(10).toString(), lotClass: 'base', remaining: 0, expired: 0 },
      { expiresAt: 'never', lotClass: 'base', remaining: 50, expired: 0 },
    ]);
  });

  it('reversing more than remains of the original is refused with exceeds_original and writes nothing', async () => {
    const { member, credits } = await givenAccount(ctx.db, { credits: [{ points: 100 }] });
    await post(ctx.db, reverse(member, idOf(credits[0]), { points: 60 }), T0);
    const before = await readFootprint(ctx.db, member);
    assert.deepEqual(await apply(ctx.db, reverse(member, idOf(credits[0]), { points: 41 })), {
      status: 'exceeds_original',
      remaining: 40,
      requested: 41,
    });
    assert.deepEqual(await readFootprint(ctx.db, member), before);
  });

  it('reversing a credit the member has spent is refused with insufficient_points and writes nothing', async () => {
    const { member, credits } = await givenAccount(ctx.db, { credits: [{ points: 100 }] });
    await post(ctx.db, debit(member, 80), T0);
    const before = await readFootprint(ctx.db, member);
    assert.deepEqual(await apply(ctx.db, reverse(member, idOf(credits[0]))), {
      status: 'insufficient_points',
      available: 20,
      requested: 100,
    });
    assert.deepEqual(await readFootprint(ctx.db, member), before);
  });

  it('a clawback (allowNegative) leaves a debt that later credits pay before any lot fills', async () => {
    const { member, credits } = await givenAccount(ctx.db, { credits: [{ points: 100, expiresAt: day(30) }, { points: 20 }] });
    await post(ctx.db, debit(member, 100), T0);
    const clawback = await post(ctx.db, reverse(member, idOf(credits[0]), { allowNegative: true }), T0);
    assert.equal(clawback.available, -80);
    assert.deepEqual((await readLots(ctx.db, member)).map((l) => l.remaining), [0, 0]);

    const partPaid = await post(ctx.db, credit(member, 50), T0);
    assert.equal(partPaid.available, -30);
    assert.deepEqual(await readAllocations(ctx.db, member, partPaid.transactionId), []);
    assert.equal((await apply(ctx.db, debit(member, 1))).status, 'insufficient_points');
    assert.equal((await apply(ctx.db, credit(member, 1))).available, -29);

    const paid = await post(ctx.db, credit(member, 50, { expiresAt: day(60) }), T0);
    assert.equal(paid.available, 21);
    assert.deepEqual(await readAllocations(ctx.db, member, paid.transactionId), [
      { expiresAt: day(60).toString(), lotClass: 'base', remainingDelta: 21, expiredDelta: 0 },
    ]);
    const lots = await readLots(ctx.db, member);
    assert.equal(lots.reduce((sum, l) => sum + l.remaining, 0), 21, 'lots hold max(balance, 0)');
  });

  it('reversing a debit while the member owes points pays the debt before refilling lots', async () => {
    const { member, credits } = await givenAccount(ctx.db, { credits: [{ points: 100, expiresAt: day(30) }, { points: 100 }] });
    const redeem = await post(ctx.db, debit(member, 150), T0);
    const clawback = await post(ctx.db, reverse(member, idOf(credits[1]), { allowNegative: true }), T0);
    assert.equal(clawback.available, -50);
    const returned = await post(ctx.db, reverse(member, redeem.transactionId, { points: 80 }), T0);
    assert.equal(returned.available, 30);
    // Latest expiry first: the 50 of the never-expiring lot pay the debt and reach no lot.
    assert.deepEqual(await readAllocations(ctx.db, member, returned.transactionId), [
      { expiresAt: day(30).toString(), lotClass: 'base', remainingDelta: 30, expiredDelta: 0 },
    ]);
    const rest = await post(ctx.db, reverse(member, redeem.transactionId), T0);
    assert.equal(rest.available, 100);
    assert.equal((await readLots(ctx.db, member)).reduce((sum, l) => sum + l.remaining, 0), 100);
  });

  it('reversing a forfeit gives every lot back', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 100, expiresAt: day(10) }, { points: 40 }] });
    const forfeited = await post(ctx.db, forfeit(member), T0);
    const reversed = await post(ctx.db, reverse(member, forfeited.transactionId), T0);
    assert.equal(reversed.available, 140);
    assert.deepEqual((await readLots(ctx.db, member)).map((l) => l.remaining), [100, 40]);
    assert.deepEqual(await readPostings(ctx.db, member, reversed.transactionId), { 'member:available': 140, 'program:forfeited': -140 });
  });

  it('holds, expiries and reversals are not reversible; an unknown transaction is not_found', async () => {
    const { member, credits } = await givenAccount(ctx.db, { credits: [{ points: 100, expiresAt: day(10) }, { points: 100 }] });
    const held = await post(ctx.db, hold(member, 5), T0);
    const partReversal = await post(ctx.db, reverse(member, idOf(credits[1]), { points: 10 }), T0);
    await post(ctx.db, debit(member, 1), day(11));
    const expiry = (await listTransactions(ctx.db, member, { limit: 10 })).find((t) => t.op === 'expire');
    assert.ok(expiry, 'the debit expired the day-10 lot first');
    for (const [id, op] of [
      [held.transactionId, 'hold'],
      [expiry.id, 'expire'],
      [partReversal.transactionId, 'reverse'],
    ] as const) {
      const before = await readFootprint(ctx.db, member);
      assert.deepEqual(await apply(ctx.db, reverse(member, id), day(11)), { status: 'not_reversible', op });
      assert.deepEqual(await readFootprint(ctx.db, member), before);
    }
    assert.equal((await apply(ctx.db, reverse(member, 'txn_unknown'), day(11))).status, 'not_found');
    await assert.rejects(post(ctx.db, reverse(member, expiry.id), day(11)), { code: 'not_reversible' });
  });
});
