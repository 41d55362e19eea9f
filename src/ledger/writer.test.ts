import assert from 'node:assert/strict';
import { it } from 'node:test';
import { TestClock } from '../clock.js';
import type { Queryable, Statement } from '../db/index.js';
import { describeStorage } from '../../test/support/databases.js';
import { T0, credit, debit, givenAccount, readFootprint } from '../../test/support/ledger-fixtures.js';
import { applyOps } from './sql.js';
import { createLedgerWriter, getBalance, listTransactions, type LedgerResult } from './index.js';

/** The real database, noting how many operations each `ledger_apply` call carried. */
function countingBatches(db: Queryable): { db: Queryable; batches: number[] } {
  const batches: number[] = [];
  return {
    batches,
    db: {
      query<Row>(stmt: Statement, values?: readonly unknown[]): Promise<Row[]> {
        if (stmt.name === applyOps.name) {
          const ops: unknown = JSON.parse(String(values?.[0]));
          assert.ok(Array.isArray(ops), 'ledger_apply gets an array of operations');
          batches.push(ops.length);
        }
        return db.query<Row>(stmt, values);
      },
      exec: (sql) => db.exec(sql),
    },
  };
}

describeStorage('ledger writer (group commit)', (ctx) => {
  it('2,000 submissions are written in batches of at most maxBatch, every one created, balances exact', async () => {
    const members: string[] = [];
    for (let i = 0; i < 200; i++) members.push((await givenAccount(ctx.db)).member);
    const counting = countingBatches(ctx.db);
    const writer = createLedgerWriter(counting.db, new TestClock(T0));
    const submitted: Promise<LedgerResult>[] = [];
    for (let i = 0; i < 2000; i++) {
      const member = members[i % members.length] ?? '';
      submitted.push(writer.submit(credit(member, 1 + (i % 7))));
    }
    const results = await Promise.all(submitted);
    assert.deepEqual(counting.batches, [1000, 1000]);
    assert.equal(results.filter((r) => r.status === 'created').length, 2000);
    assert.equal(new Set(results.map((r) => r.transactionId)).size, 2000);
    for (const [n, member] of members.entries()) {
      const expected = Array.from({ length: 10 }, (_, k) => 1 + ((n + 200 * k) % 7)).reduce((a, b) => a + b, 0);
      assert.equal((await getBalance(ctx.db, member, T0))?.available, expected, `balance of member ${n}`);
    }
  });

  it('with a smaller maxBatch, the queue drains in full batches and one remainder', async () => {
    const { member } = await givenAccount(ctx.db);
    const counting = countingBatches(ctx.db);
    const writer = createLedgerWriter(counting.db, new TestClock(T0), { maxBatch: 300 });
    const submitted = Array.from({ length: 2000 }, () => writer.submit(credit(member, 1)));
    await writer.drain();
    const results = await Promise.all(submitted);
    assert.deepEqual(counting.batches, [300, 300, 300, 300, 300, 300, 200]);
    // One member, so each result's balance-after counts the operations before it.
    assert.deepEqual(
      results.map((r) => r.available),
      results.map((_, i) => i + 1),
    );
  });

  it('replays inside one batch: the same operation twice is created then replayed; a changed body is refused', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 100 }] });
    const counting = countingBatches(ctx.db);
    const writer = createLedgerWriter(counting.db, new TestClock(T0));
    const earn = credit(member, 10);
    const redeem = debit(member, 30);
    const results = await Promise.all([
      writer.submit(earn),
      writer.submit(redeem),
      writer.submit(earn),
      writer.submit(redeem),
      writer.submit({ ...earn, points: 11 }),
    ]);
    assert.deepEqual(counting.batches, [5]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['created', 'created', 'replayed', 'replayed', 'idempotency_key_reused'],
    );
    assert.deepEqual(results[2], { ...results[0], status: 'replayed' });
    assert.deepEqual(results[3], { ...results[1], status: 'replayed' });
    assert.equal((await getBalance(ctx.db, member, T0))?.available, 80);
    assert.equal((await listTransactions(ctx.db, member, { limit: 10 })).length, 3);
  });

  it('a refusal in a batch is that operation’s result only', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 10 }] });
    const writer = createLedgerWriter(ctx.db, new TestClock(T0));
    const results = await Promise.all([writer.submit(debit(member, 8)), writer.submit(debit(member, 8)), writer.submit(credit(member, 1))]);
    assert.deepEqual(
      results.map((r) => [r.status, r.available]),
      [
        ['created', 2],
        ['insufficient_points', 2],
        ['created', 3],
      ],
    );
  });

  it('under light load a batch is one operation, stamped with the clock’s now', async () => {
    const { member } = await givenAccount(ctx.db);
    const counting = countingBatches(ctx.db);
    const clock = new TestClock(T0);
    const writer = createLedgerWriter(counting.db, clock);
    await writer.submit(credit(member, 1));
    clock.advance({ hours: 1 });
    await writer.submit(credit(member, 1));
    assert.deepEqual(counting.batches, [1, 1]);
    const history = await listTransactions(ctx.db, member, { limit: 2 });
    assert.deepEqual(
      history.map((t) => t.recordedAt.toString()),
      [T0.add({ hours: 1 }).toString(), T0.toString()],
    );
  });

  it('a fault rejects every operation of its batch and writes none of them', async () => {
    const { member } = await givenAccount(ctx.db);
    const before = await readFootprint(ctx.db, member);
    const writer = createLedgerWriter(ctx.db, new TestClock(T0));
    const outcomes = await Promise.allSettled([writer.submit(credit(member, 5)), writer.submit(credit(member, 0)), writer.submit(credit(member, 6))]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected', 'rejected'],
    );
    assert.deepEqual(await readFootprint(ctx.db, member), before);
    // The writer carries on with the next batch.
    assert.equal((await writer.submit(credit(member, 5))).status, 'created');
  });
});
