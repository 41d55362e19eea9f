import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { statement, type Queryable } from '../db/index.js';
import { createTestDatabase, describeStorage, type TestDatabase } from '../../test/support/databases.js';
import {
  PROGRAM,
  T0,
  apply,
  day,
  debit,
  givenAccount,
  readAllocations,
  readFootprint,
  readLots,
  type CreditSpec,
} from '../../test/support/ledger-fixtures.js';
import { expireDueChunk, expiriesOf, getBalance, listTransactions, post, verifyLedger, type ExpiryChunk } from './index.js';

/** Runs the expiry job to the end in chunks of `limit` members, as the nightly job does. */
async function runExpiryJob(db: Queryable, asOf: Temporal.Instant, limit: number): Promise<ExpiryChunk[]> {
  const chunks: ExpiryChunk[] = [];
  let after: string | undefined;
  for (;;) {
    const chunk = await expireDueChunk(db, asOf, after, limit, { withExpiries: true });
    chunks.push(chunk);
    if (chunk.lastMember === undefined) return chunks;
    assert.ok(chunks.length < 1000, 'the job ends');
    after = chunk.lastMember;
  }
}

const expiryRows = statement('test.expiryRows', `
  select idempotency_key, points, available_after, occurred_at, recorded_at from ledger_journal
  where member_id = $1 and op = 'expire' order by occurred_at, idempotency_key`);

async function readExpiries(db: Queryable, member: string) {
  const rows = await db.query<{
    idempotency_key: string;
    points: number;
    available_after: number;
    occurred_at: Temporal.Instant;
    recorded_at: Temporal.Instant;
  }>(expiryRows, [member]);
  return rows.map((r) => ({
    key: r.idempotency_key,
    points: r.points,
    availableAfter: r.available_after,
    occurredAt: r.occurred_at.toString(),
    recordedAt: r.recorded_at.toString(),
  }));
}

const journalTotal = statement('test.journalTotal', 'select count(*) as n from ledger_journal');

describeStorage('ledger expiry', (ctx) => {
  it('a due lot is never spent, even before the expiry job has run: the debit expires it first', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 100, expiresAt: day(10) }, { points: 100 }] });
    const now = day(11);
    const { expired, ...refused } = await apply(ctx.db, debit(member, 150), now);
    assert.deepEqual(refused, { status: 'insufficient_points', available: 100, requested: 150 });
    // The refused debit still swept the due lot: expiry is due whatever the debit decides. Its
    // result says so, so the caller can publish points.expired for it.
    const [lazy, ...more] = expiriesOf({ expired });
    assert.ok(lazy && more.length === 0, 'one expiry on the result');
    assert.deepEqual({ ...lazy, expiresAt: lazy.expiresAt.toString() }, {
      transactionId: lazy.transactionId,
      points: 100,
      expiresAt: day(10).toString(),
      lotClass: 'base',
      available: 100,
      pending: 0,
    });
    assert.deepEqual((await listTransactions(ctx.db, member, { limit: 1 }))[0]?.id, lazy.transactionId);
    assert.deepEqual(await readLots(ctx.db, member), [
      { expiresAt: day(10).toString(), lotClass: 'base', remaining: 0, expired: 100 },
      { expiresAt: 'never', lotClass: 'base', remaining: 100, expired: 0 },
    ]);
    const redeem = await post(ctx.db, debit(member, 100), now);
    assert.equal(redeem.expired, undefined, 'nothing was left to expire');
    assert.deepEqual(await readAllocations(ctx.db, member, redeem.transactionId), [
      { expiresAt: 'never', lotClass: 'base', remainingDelta: -100, expiredDelta: 0 },
    ]);
    assert.deepEqual(await readExpiries(ctx.db, member), [
      {
        key: `expire:${day(10).toString().replace('Z', '.000000Z')}:base`,
        points: 100,
        availableAfter: 100,
        occurredAt: day(10).toString(),
        recordedAt: now.toString(),
      },
    ]);
  });

  it('history stays in order after a lazy expiry: the newest transaction carries the current balance', async () => {
    const { member } = await givenAccount(ctx.db, { credits: [{ points: 100, expiresAt: day(10) }, { points: 50 }] });
    const now = day(11);
    const redeem = await post(ctx.db, debit(member, 20), now);
    const history = await listTransactions(ctx.db, member, { limit: 10 });
    assert.deepEqual(
      history.map((t) => [t.op, t.availableAfter]),
      [
        ['debit', 30],
        ['expire', 50],
        ['credit', 150],
        ['credit', 100],
      ],
    );
    assert.equal(history[0]?.id, redeem.transactionId);
    assert.equal(history[0]?.availableAfter, (await getBalance(ctx.db, member, now))?.available);
  });

  it('a lot expiring at T is spendable at T − 1 ms and expired at T', async () => {
    const T = day(30);
    const justBefore = T.subtract({ milliseconds: 1 });
    const early = await givenAccount(ctx.db, { credits: [{ points: 100, expiresAt: T }] });
    const onTime = await givenAccount(ctx.db, { credits: [{ points: 100, expiresAt: T }] });
    assert.deepEqual(await getBalance(ctx.db, early.member, justBefore), {
      available: 100,
      pending: 0,
      expiring: [{ points: 100, expiresAt: T.toString() }],
    });
    assert.deepEqual(await getBalance(ctx.db, early.member, T), { available: 0, pending: 0, expiring: [] });
    assert.equal((await post(ctx.db, debit(early.member, 100), justBefore)).available, 0);
    const { expired, ...refused } = await apply(ctx.db, debit(onTime.member, 1), T);
    assert.deepEqual(refused, { status: 'insufficient_points', available: 0, requested: 1 });
    assert.deepEqual(expiriesOf({ expired }).map((e) => [e.points, e.expiresAt.toString(), e.available]), [[100, T.toString(), 0]]);
    assert.deepEqual(await readLots(ctx.db, onTime.member), [{ expiresAt: T.toString(), lotClass: 'base', remaining: 0, expired: 100 }]);
    assert.deepEqual(await readLots(ctx.db, early.member), [{ expiresAt: T.toString(), lotClass: 'base', remaining: 0, expired: 0 }]);
  });

  it('the balance projected to a later instant leaves out the buckets due by then, and writes nothing', async () => {
    const { member } = await givenAccount(ctx.db, {
      credits: [{ points: 100, expiresAt: day(10) }, { points: 50, expiresAt: day(20) }, { points: 30 }],
    });
    const before = await readFootprint(ctx.db, member);
    assert.deepEqual(await getBalance(ctx.db, member, T0), {
      available: 180,
      pending: 0,
      expiring: [
        { points: 100, expiresAt: day(10).toString() },
        { points: 50, expiresAt: day(20).toString() },
      ],
    });
    assert.deepEqual(await getBalance(ctx.db, member, day(10)), {
      available: 80,
      pending: 0,
      expiring: [{ points: 50, expiresAt: day(20).toString() }],
    });
    assert.deepEqual(await getBalance(ctx.db, member, day(365)), { available: 30, pending: 0, expiring: [] });
    assert.deepEqual(await readFootprint(ctx.db, member), before);
  });

  it('two buckets a microsecond apart expire as two buckets, lazily and by the job', async () => {
    const E = day(5);
    const E1 = Temporal.Instant.fromEpochNanoseconds(E.epochNanoseconds + 1000n);
    const credits: CreditSpec[] = [{ points: 10, expiresAt: E }, { points: 20, expiresAt: E1 }, { points: 5 }];
    const lazy = await givenAccount(ctx.db, { credits });
    const swept = await givenAccount(ctx.db, { credits });
    assert.equal((await readLots(ctx.db, lazy.member)).length, 3);
    assert.equal((await post(ctx.db, debit(lazy.member, 5), day(6))).available, 0);
    await runExpiryJob(ctx.db, day(6), 100);
    for (const member of [lazy.member, swept.member]) {
      assert.deepEqual(
        (await readLots(ctx.db, member)).map((l) => l.expired),
        [10, 20, 0],
      );
      assert.equal((await readExpiries(ctx.db, member)).length, 2);
    }
  });

  describe('the expiry job, on a database of its own', () => {
    let job: TestDatabase | undefined;
    const db = (): Queryable => {
      assert.ok(job, 'the job database is open');
      return job.db;
    };
    // Members with 1–3 due buckets (one of them in two classes) and 10 points that never expire.
    const dueMembers: { member: string; due: number[] }[] = [];
    const notDue: string[] = [];
    let lazyMember = '';

    before(async () => {
      job = await createTestDatabase(ctx.backend);
      for (let i = 0; i < 25; i++) {
        const due = [10 + i, 20 + i, 30 + i].slice(0, (i % 3) + 1);
        const credits: CreditSpec[] = due.map((points, n) => ({ points, expiresAt: day(-300 + 100 * n + i) }));
        if (i === 7) credits.push({ points: 3, expiresAt: day(-300 + i), lotClass: 'bonus' });
        // Half of them credited latest expiry first: the job must not follow the order rows were written in.
        if (i % 2 === 1) credits.reverse();
        credits.push({ points: 10 });
        const { member } = await givenAccount(db(), { credits });
        dueMembers.push({ member, due: i === 7 ? [...due, 3] : due });
      }
      for (let i = 0; i < 3; i++) {
        notDue.push((await givenAccount(db(), { credits: [{ points: 40, expiresAt: day(1) }, { points: 60 }] })).member);
      }
      lazyMember = (await givenAccount(db(), { credits: [{ points: 70, expiresAt: day(-1) }, { points: 10 }] })).member;
      // This member's due lot is swept by its own debit before the job runs.
      await post(db(), debit(lazyMember, 10), T0);
    });

    after(async () => {
      if (!job) return;
      try {
        assert.deepEqual(await verifyLedger(job.db), [], 'ledger verify finds no violation');
      } finally {
        await job.dispose();
      }
    });

    it('expires every due bucket in chunks of members, resuming after the last member of each chunk', async () => {
      const chunks = await runExpiryJob(db(), T0, 10);
      const sorted = dueMembers.map((d) => d.member).sort();
      const allDue = dueMembers.flatMap((d) => d.due);
      assert.deepEqual(
        chunks.map((c) => [c.members, c.lastMember]),
        [
          [10, sorted[9]],
          [10, sorted[19]],
          [5, sorted[24]],
          [0, undefined],
        ],
      );
      assert.equal(chunks.reduce((n, c) => n + c.buckets, 0), allDue.length);
      assert.equal(chunks.reduce((n, c) => n + c.points, 0), allDue.reduce((a, b) => a + b, 0));
      // Each expiry transaction comes back once, from the chunk that wrote it, as the journal has it.
      const expiries = chunks.flatMap((c) => c.expiries);
      assert.equal(expiries.length, allDue.length);
      assert.equal(new Set(expiries.map((e) => e.transactionId)).size, expiries.length);
      for (const { member, due } of dueMembers) {
        const mine = expiries.filter((e) => e.memberId === member);
        assert.deepEqual(mine.map((e) => e.points).sort(), [...due].sort(), `the expiries of ${member}`);
        assert.ok(mine.every((e) => e.program === PROGRAM), 'each expiry names its member’s program');
        const journal = (await listTransactions(db(), member, { limit: 10 })).filter((t) => t.op === 'expire');
        assert.deepEqual(
          mine.map((e) => [e.transactionId, e.expiresAt.toString(), e.available]).sort(),
          journal.map((t) => [t.id, t.occurredAt.toString(), t.availableAfter]).sort(),
        );
      }
      for (const { member, due } of dueMembers) {
        assert.deepEqual(await getBalance(db(), member, T0), { available: 10, pending: 0, expiring: [] });
        const lots = await readLots(db(), member);
        assert.deepEqual(
          lots.filter((l) => l.expiresAt !== 'never').map((l) => [l.remaining, l.expired]).sort(),
          due.map((points) => [0, points]).sort(),
        );
      }
      for (const member of notDue) {
        assert.deepEqual((await readLots(db(), member)).map((l) => [l.remaining, l.expired]), [[40, 0], [60, 0]]);
      }
      assert.deepEqual(await readLots(db(), lazyMember), [
        { expiresAt: day(-1).toString(), lotClass: 'base', remaining: 0, expired: 70 },
        { expiresAt: 'never', lotClass: 'base', remaining: 0, expired: 0 },
      ]);
      assert.equal((await readExpiries(db(), lazyMember)).length, 1, 'the job did not expire the lazily expired lot again');
    });

    it('records one expiry per bucket, at its expiry instant, with the balance after each in expiry order', async () => {
      const member = dueMembers[2];
      assert.ok(member && member.due.length === 3, 'member 2 has three due buckets');
      const [a = 0, b = 0, c = 0] = member.due;
      assert.deepEqual(
        (await readExpiries(db(), member.member)).map((e) => [e.points, e.availableAfter, e.occurredAt, e.recordedAt]),
        [
          [a, 10 + b + c, day(-298).toString(), T0.toString()],
          [b, 10 + c, day(-198).toString(), T0.toString()],
          [c, 10, day(-98).toString(), T0.toString()],
        ],
      );
      const withClasses = dueMembers[7];
      assert.ok(withClasses, 'member 7 exists');
      assert.deepEqual(
        (await readExpiries(db(), withClasses.member)).map((e) => e.key.replace(/:.*:/, ':…:')),
        ['expire:…:base', 'expire:…:bonus', 'expire:…:base'],
      );
    });

    it('history lists each member’s expiries in expiry order, newest first', async () => {
      for (const { member, due } of dueMembers) {
        const history = await listTransactions(db(), member, { limit: 10 });
        const expiries = history.filter((t) => t.op === 'expire');
        assert.equal(expiries.length, due.length);
        assert.deepEqual(
          expiries.map((t) => t.occurredAt.epochMilliseconds),
          expiries.map((t) => t.occurredAt.epochMilliseconds).sort((x, y) => y - x),
          `expiries of ${member} newest first`,
        );
        assert.equal(history[0]?.availableAfter, 10, `the newest transaction of ${member} carries its balance`);
      }
    });

    it('a re-run, from the start or from the middle, expires nothing twice', async () => {
      const [{ n: before } = { n: -1 }] = await db().query<{ n: number }>(journalTotal);
      const nothing = { members: 0, buckets: 0, points: 0, lastMember: undefined, expiries: [] };
      assert.deepEqual(await runExpiryJob(db(), T0, 10), [nothing]);
      assert.deepEqual(await runExpiryJob(db(), day(0.5), 3), [nothing]);
      const [{ n: afterRuns } = { n: -2 }] = await db().query<{ n: number }>(journalTotal);
      assert.equal(afterRuns, before);
    });

    it('later, the next buckets fall due and only they are expired', async () => {
      const chunks = await runExpiryJob(db(), day(1), 2);
      assert.deepEqual(
        chunks.map((c) => [c.members, c.buckets, c.points]),
        [
          [2, 2, 80],
          [1, 1, 40],
          [0, 0, 0],
        ],
      );
      for (const member of notDue) assert.equal((await getBalance(db(), member, day(1)))?.available, 60);
    });
  });
});
