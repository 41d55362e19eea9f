import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'node:test';
import { statement, type Db } from '../db/index.js';
import { describeStorage } from '../../test/support/databases.js';
import {
  T0,
  apply,
  credit,
  day,
  debit,
  deferred,
  givenAccount,
  readFootprint,
} from '../../test/support/ledger-fixtures.js';
import { applyOperations, getBalance, listTransactions, post, type CreditOp, type LedgerResult } from './index.js';

const waitingForLock = statement('test.waitingForLock', `
  select count(*) as waiting from pg_stat_activity
  where datname = current_database() and wait_event_type = 'Lock' and query like '%ledger_apply%'`);

/**
 * Settles with the operation's results, or with 'blocked' as soon as PostgreSQL shows it waiting
 * for a lock: a test that expects an immediate answer fails instead of hanging.
 */
async function resultsOrBlocked(db: Db, pending: Promise<LedgerResult[]>): Promise<LedgerResult[] | 'blocked'> {
  let settled = false;
  const watched = pending.finally(() => {
    settled = true;
  });
  while (!settled) {
    const [row] = await db.query<{ waiting: number }>(waitingForLock);
    if (!settled && (row?.waiting ?? 0) > 0) return 'blocked';
    await Promise.race([watched.then(() => undefined, () => undefined), sleep(5)]);
  }
  return watched;
}

describeStorage('ledger idempotency', (ctx) => {
  it('a replay returns the original result, even after later operations changed the balance', async () => {
    const { member } = await givenAccount(ctx.db);
    const earn = credit(member, 100, { expiresAt: day(30) });
    const first = await apply(ctx.db, earn);
    assert.equal(first.status, 'created');
    await post(ctx.db, debit(member, 30), T0);
    await post(ctx.db, credit(member, 500), day(1));
    const replay = await apply(ctx.db, earn, day(2));
    assert.deepEqual(replay, { ...first, status: 'replayed' });
    const posted = await post(ctx.db, earn, day(2));
    assert.deepEqual(posted, { transactionId: first.transactionId, points: 100, available: 100, pending: 0, replayed: true });
    assert.equal((await getBalance(ctx.db, member, day(2)))?.available, 570);
    assert.equal((await listTransactions(ctx.db, member, { limit: 10 })).length, 3);
  });

  it('a replayed debit does not take points twice', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 100 }] });
    const redeem = debit(member, 40);
    const first = await apply(ctx.db, redeem);
    const again = await apply(ctx.db, redeem);
    assert.deepEqual(again, { ...first, status: 'replayed' });
    assert.equal((await getBalance(ctx.db, member, T0))?.available, 60);
  });

  it('a refused operation stores nothing, so a retry with its key is decided afresh', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 10 }] });
    const redeem = debit(member, 50);
    assert.equal((await apply(ctx.db, redeem)).status, 'insufficient_points');
    await post(ctx.db, credit(member, 40), T0);
    const retried = await apply(ctx.db, redeem);
    assert.equal(retried.status, 'created');
    assert.equal(retried.available, 0);
  });

  const changes: [string, (op: CreditOp) => CreditOp][] = [
    ['the points', (op) => ({ ...op, points: op.points + 1 })],
    ['only the metadata', (op) => ({ ...op, metadata: { orderId: 'B-2' } })],
    ['only the reason', (op) => ({ ...op, reason: 'a different reason' })],
    ['the expiry', (op) => ({ ...op, expiresAt: day(31) })],
    ['the lot class', (op) => ({ ...op, lotClass: 'bonus' })],
    ['the time it happened', (op) => ({ ...op, occurredAt: T0.subtract({ seconds: 1 }) })],
  ];
  for (const [what, change] of changes) {
    it(`the same key with ${what} changed is refused with idempotency_key_reused and writes nothing`, async () => {
      const { member } = await givenAccount(ctx.db);
      const earn = credit(member, 100, { expiresAt: day(30), metadata: { orderId: 'B-1' }, reason: 'order shipped' });
      const first = await apply(ctx.db, earn);
      const before = await readFootprint(ctx.db, member);
      const reused = await apply(ctx.db, change(earn));
      assert.deepEqual(reused, { status: 'idempotency_key_reused', transactionId: first.transactionId });
      await assert.rejects(post(ctx.db, change(earn), T0), { code: 'idempotency_key_reused' });
      assert.deepEqual(await readFootprint(ctx.db, member), before);
    });
  }

  it('the same key on a different operation is refused with idempotency_key_reused', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 100 }] });
    const earn = credit(member, 10);
    await post(ctx.db, earn, T0);
    const before = await readFootprint(ctx.db, member);
    assert.equal((await apply(ctx.db, debit(member, 10, { key: earn.key }))).status, 'idempotency_key_reused');
    assert.deepEqual(await readFootprint(ctx.db, member), before);
  });

  it('the actor is not part of the request: the same request from another actor replays', async () => {
    const { member } = await givenAccount(ctx.db);
    const earn = credit(member, 10);
    const first = await apply(ctx.db, earn);
    assert.deepEqual(await apply(ctx.db, { ...earn, actor: 'upstream:retrier' }), { ...first, status: 'replayed' });
  });

  it('keys are per member: one key on two members makes two transactions', async () => {
    const a = await givenAccount(ctx.db);
    const b = await givenAccount(ctx.db);
    const key = 'order:7:earn';
    const results = await applyOperations(ctx.db, [credit(a.member, 10, { key }), credit(b.member, 20, { key })], T0);
    assert.deepEqual(results.map((r) => r.status), ['created', 'created']);
    assert.notEqual(results[0]?.transactionId, results[1]?.transactionId);
  });

  it('a key repeated inside one batch replays the first, or is refused when the request differs', async () => {
    const { member } = await givenAccount(ctx.db);
    const earn = credit(member, 10);
    const results = await applyOperations(ctx.db, [earn, credit(member, 5), earn, { ...earn, points: 11 }], T0);
    assert.deepEqual(results.map((r) => r.status), ['created', 'created', 'replayed', 'idempotency_key_reused']);
    assert.deepEqual(results[2], { ...results[0], status: 'replayed' });
    assert.equal(results[3]?.transactionId, results[0]?.transactionId);
    assert.equal((await getBalance(ctx.db, member, T0))?.available, 15);
  });

  it(
    'a key held by an open transaction is answered idempotency_key_in_flight at once, and replays after commit',
    { skip: ctx.backend === 'pglite' ? 'PGlite has one connection: a second request cannot run while a transaction is open' : false },
    async () => {
      const { member } = await givenAccount(ctx.db, { credits: [{ points: 100 }] });
      const redeem = debit(member, 30);
      const holding = deferred<void>();
      const release = deferred<void>();
      const first = ctx.db.transaction(async (tx) => {
        const results = await applyOperations(tx, [redeem], T0);
        holding.resolve();
        await release.promise;
        return results;
      });
      try {
        await holding.promise;
        const second = await resultsOrBlocked(ctx.db, applyOperations(ctx.db, [redeem], T0));
        assert.notEqual(second, 'blocked', 'the second request waited for the first instead of answering in flight');
        assert.deepEqual(second, [{ status: 'idempotency_key_in_flight' }]);
        await assert.rejects(post(ctx.db, redeem, T0), { code: 'idempotency_key_in_flight' });
      } finally {
        release.resolve();
      }
      const [created] = await first;
      assert.equal(created?.status, 'created');
      assert.deepEqual(await applyOperations(ctx.db, [redeem], T0), [{ ...created, status: 'replayed' }]);
      assert.equal((await getBalance(ctx.db, member, T0))?.available, 70);
    },
  );
});
