import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeStorage } from '../../test/support/databases.js';
import {
  ACTOR,
  T0,
  apply,
  credit,
  day,
  debit,
  forfeit,
  givenAccount,
  hold,
  newMemberId,
  readAllocations,
  readFootprint,
  readLots,
  readPostings,
} from '../../test/support/ledger-fixtures.js';
import { applyOperations, getBalance, listTransactions, post } from './index.js';

describeStorage('ledger credit and debit', (ctx) => {
  it('a credit adds to available and fills a lot with its expiry', async () => {
    const { member } = await givenAccount(ctx.db);
    const posted = await post(ctx.db, credit(member, 100, { expiresAt: day(30), kind: 'earn' }), T0);
    assert.deepEqual({ ...posted, transactionId: typeof posted.transactionId }, {
      transactionId: 'string',
      points: 100,
      available: 100,
      pending: 0,
      replayed: false,
    });
    assert.deepEqual(await getBalance(ctx.db, member, T0), {
      available: 100,
      pending: 0,
      expiring: [{ points: 100, expiresAt: day(30).toString() }],
    });
    assert.deepEqual(await readLots(ctx.db, member), [{ expiresAt: day(30).toString(), lotClass: 'base', remaining: 100, expired: 0 }]);
    assert.deepEqual(await readPostings(ctx.db, member, posted.transactionId), { 'member:available': 100, 'program:issued': -100 });
    const [txn] = await listTransactions(ctx.db, member, { limit: 10 });
    assert.equal(txn?.id, posted.transactionId);
    assert.equal(txn?.op, 'credit');
    assert.equal(txn?.kind, 'earn');
    assert.equal(txn?.points, 100);
    assert.equal(txn?.availableAfter, 100);
    assert.equal(txn?.actor, ACTOR);
    assert.equal(txn?.recordedAt.toString(), T0.toString());
  });

  it('credits with the same expiry and class share a lot; another class or expiry gets its own', async () => {
    const { member } = await givenAccount(ctx.db, {
      credits: [
        { points: 10, expiresAt: day(30) },
        { points: 20, expiresAt: day(30) },
        { points: 5, expiresAt: day(30), lotClass: 'bonus' },
        { points: 7 },
      ],
    });
    assert.deepEqual(await readLots(ctx.db, member), [
      { expiresAt: day(30).toString(), lotClass: 'base', remaining: 30, expired: 0 },
      { expiresAt: day(30).toString(), lotClass: 'bonus', remaining: 5, expired: 0 },
      { expiresAt: 'never', lotClass: 'base', remaining: 7, expired: 0 },
    ]);
    // Points that never expire are not "expiring"; the two classes of one instant are summed.
    assert.deepEqual((await getBalance(ctx.db, member, T0))?.expiring, [{ points: 35, expiresAt: day(30).toString() }]);
  });

  it('a debit takes from the earliest-expiring lot first, across three lots', async () => {
    // Credited out of expiry order on purpose: FIFO is by expiry, not by when points arrived.
    const { member } = await givenAccount(ctx.db, {
      credits: [
        { points: 100, expiresAt: day(60) },
        { points: 100 },
        { points: 100, expiresAt: day(20) },
        { points: 100, expiresAt: day(40) },
      ],
    });
    const posted = await post(ctx.db, debit(member, 250, { kind: 'redeem' }), T0);
    assert.equal(posted.available, 150);
    assert.deepEqual(await readAllocations(ctx.db, member, posted.transactionId), [
      { expiresAt: day(20).toString(), lotClass: 'base', remainingDelta: -100, expiredDelta: 0 },
      { expiresAt: day(40).toString(), lotClass: 'base', remainingDelta: -100, expiredDelta: 0 },
      { expiresAt: day(60).toString(), lotClass: 'base', remainingDelta: -50, expiredDelta: 0 },
    ]);
    assert.deepEqual(await getBalance(ctx.db, member, T0), {
      available: 150,
      pending: 0,
      expiring: [{ points: 50, expiresAt: day(60).toString() }],
    });
    assert.deepEqual(await readPostings(ctx.db, member, posted.transactionId), { 'member:available': -250, 'program:redeemed': 250 });
  });

  it('lots of one expiry instant are taken in lot-class order', async () => {
    const { member } = await givenAccount(ctx.db, {
      credits: [
        { points: 50, expiresAt: day(10), lotClass: 'z-partner' },
        { points: 50, expiresAt: day(10), lotClass: 'a-bonus' },
      ],
    });
    const posted = await post(ctx.db, debit(member, 60), T0);
    assert.deepEqual(await readAllocations(ctx.db, member, posted.transactionId), [
      { expiresAt: day(10).toString(), lotClass: 'a-bonus', remainingDelta: -50, expiredDelta: 0 },
      { expiresAt: day(10).toString(), lotClass: 'z-partner', remainingDelta: -10, expiredDelta: 0 },
    ]);
  });

  it('a debit of the whole balance empties every lot', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 30, expiresAt: day(5) }, { points: 70 }] });
    const posted = await post(ctx.db, debit(member, 100), T0);
    assert.equal(posted.available, 0);
    assert.deepEqual(
      (await readLots(ctx.db, member)).map((l) => l.remaining),
      [0, 0],
    );
  });

  it('a debit of more than is available is refused with insufficient_points and writes nothing', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 60, expiresAt: day(10) }, { points: 40 }] });
    const before = await readFootprint(ctx.db, member);
    assert.deepEqual(await apply(ctx.db, debit(member, 101)), { status: 'insufficient_points', available: 100, requested: 101 });
    await assert.rejects(post(ctx.db, debit(member, 101), T0), { name: 'Refusal', code: 'insufficient_points' });
    assert.deepEqual(await readFootprint(ctx.db, member), before);
  });

  it('a credit whose expiry is not in the future is refused with invalid_expiry and writes nothing', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 10 }] });
    const before = await readFootprint(ctx.db, member);
    for (const expiresAt of [T0, T0.subtract({ milliseconds: 1 }), day(-30)]) {
      const result = await apply(ctx.db, credit(member, 50, { expiresAt }));
      assert.equal(result.status, 'invalid_expiry', `expiry ${expiresAt.toString()}`);
    }
    await assert.rejects(post(ctx.db, credit(member, 50, { expiresAt: T0 }), T0), { code: 'invalid_expiry' });
    assert.deepEqual(await readFootprint(ctx.db, member), before);
    // One millisecond later than now is in the future.
    assert.equal((await apply(ctx.db, credit(member, 50, { expiresAt: T0.add({ milliseconds: 1 }) }))).status, 'created');
  });

  it('every operation on an unknown member is refused with not_found', async () => {
    const member = newMemberId();
    const results = await applyOperations(ctx.db, [credit(member, 10), debit(member, 10), hold(member, 10), forfeit(member)], T0);
    assert.deepEqual(results.map((r) => r.status), ['not_found', 'not_found', 'not_found', 'not_found']);
    await assert.rejects(post(ctx.db, credit(member, 10), T0), { code: 'not_found' });
    assert.equal(await getBalance(ctx.db, member, T0), undefined);
    assert.deepEqual(await listTransactions(ctx.db, member, { limit: 10 }), []);
  });

  it('a batch applies its operations in order, one result each, and a refusal leaves the others alone', async () => {
    const { member } = await givenAccount(ctx.db);
    const results = await applyOperations(ctx.db, [credit(member, 100), debit(member, 150), debit(member, 60), credit(member, 5)], T0);
    assert.deepEqual(
      results.map((r) => [r.status, r.available]),
      [
        ['created', 100],
        ['insufficient_points', 100],
        ['created', 40],
        ['created', 45],
      ],
    );
    assert.equal((await getBalance(ctx.db, member, T0))?.available, 45);
  });

  it('records when it happened, why, who and the metadata; counters name the program account', async () => {
    const { member } = await givenAccount(ctx.db);
    const occurredAt = T0.subtract({ hours: 3 });
    const posted = await post(
      ctx.db,
      credit(member, 25, { occurredAt, reason: 'order 42 shipped', metadata: { orderId: 42 }, counter: 'program:partner', kind: 'partner_earn' }),
      T0,
    );
    const [txn] = await listTransactions(ctx.db, member, { limit: 1 });
    assert.equal(txn?.id, posted.transactionId);
    assert.equal(txn?.occurredAt.toString(), occurredAt.toString());
    assert.equal(txn?.recordedAt.toString(), T0.toString());
    assert.equal(txn?.reason, 'order 42 shipped');
    assert.deepEqual(txn?.metadata, { orderId: 42 });
    assert.deepEqual(await readPostings(ctx.db, member, posted.transactionId), { 'member:available': 25, 'program:partner': -25 });
  });

  it('history is newest first and pages by the last id seen', async () => {
    const { member } = await givenAccount(ctx.db);
    const ids: string[] = [];
    for (const points of [1, 2, 3, 4, 5]) ids.push((await post(ctx.db, credit(member, points), T0)).transactionId);
    const first = await listTransactions(ctx.db, member, { limit: 2 });
    const second = await listTransactions(ctx.db, member, { limit: 2, before: first.at(-1)?.id });
    const third = await listTransactions(ctx.db, member, { limit: 2, before: second.at(-1)?.id });
    assert.deepEqual([...first, ...second, ...third].map((t) => t.id), [...ids].reverse());
    assert.deepEqual([...first, ...second, ...third].map((t) => t.availableAfter), [15, 10, 6, 3, 1]);
  });

  it('the transactions of one batch are listed newest first, in the order they were applied', async () => {
    const { member } = await givenAccount(ctx.db);
    const ops = Array.from({ length: 30 }, (_, i) => (i % 3 === 2 ? debit(member, 1) : credit(member, 2)));
    const results = await applyOperations(ctx.db, ops, T0);
    const history = await listTransactions(ctx.db, member, { limit: 100 });
    assert.deepEqual(
      history.map((t) => t.id),
      results.map((r) => r.transactionId).reverse(),
    );
    assert.deepEqual(
      history.map((t) => t.availableAfter),
      results.map((r) => r.available).reverse(),
    );
  });

  it('a non-positive amount is a fault, thrown rather than returned, and fails its whole batch', async () => {
    const { member } = await givenAccount(ctx.db);
    const before = await readFootprint(ctx.db, member);
    await assert.rejects(applyOperations(ctx.db, [credit(member, 10), credit(member, 0)], T0), /positive number of points/);
    await assert.rejects(applyOperations(ctx.db, [debit(member, -5)], T0), /positive number of points/);
    assert.deepEqual(await readFootprint(ctx.db, member), before);
  });
});
