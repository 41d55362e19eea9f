import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { TestClock } from '../clock.js';
import { statement, type Db } from '../db/index.js';
import { describeStorage } from '../../test/support/databases.js';
import { runChunked } from './chunked.js';
import { ALL_PROGRAMS } from './expire.js';
import { claimRun, finishRun, processOwner } from './runs.js';
import { createScheduler } from './scheduler.js';

const now = Temporal.Instant.from('2026-05-01T00:00:00Z');
const ctx = { now, actor: 'test' };
let serial = 0;
const runKey = () => ({ program: ALL_PROGRAMS, job: 'test-job', period: `p-${(serial += 1)}` });

const insertForeign = statement('test.jobs.insertForeign', `
  insert into job_runs (program_key, job, period, status, cursor, started_at, actor, owner, lease_until)
  values ($1, $2, $3, 'running', $4, $5, 'test:other', 'other-process', clock_timestamp() + $6 * interval '1 second')`);
const runRow = statement('test.jobs.runRow', `select status, owner, cursor, counts from job_runs where program_key = $1 and job = $2 and period = $3`);
const takeOver = statement('test.jobs.takeOver', `update job_runs set owner = 'other-process' where program_key = $1 and job = $2 and period = $3`);

describeStorage('job runs: leases (decision 62)', (s) => {
  it('a run this process holds is not claimed again until released; released unfinished, it is claimed again at once', async () => {
    const key = runKey();
    const first = await claimRun(s.db, key, ctx);
    assert.ok(first.claimed);
    const again = await claimRun(s.db, key, ctx);
    assert.deepEqual(again, { claimed: false, status: 'running', counts: {} }, 'the scheduler and a request in one process never both run it');
    first.lease.release();
    const retried = await claimRun(s.db, key, ctx);
    assert.ok(retried.claimed, 'a failed attempt of this process does not wait out its own lease');
    await finishRun(s.db, key, { n: 1 }, now);
    retried.lease.release();
    assert.deepEqual(await claimRun(s.db, key, ctx), { claimed: false, status: 'done', counts: { n: 1 } });
  });

  it(s.backend === 'postgres'
    ? "another owner's live lease is respected; once it lapses, the run is taken over from its cursor"
    : 'on PGlite every other owner is a process that is gone (one process opens a database), so its run is taken over at once', async () => {
    const key = runKey();
    await s.db.query(insertForeign, [key.program, key.job, key.period, 'cursor-7', now.toString(), 60]);
    const claim = await claimRun(s.db, key, ctx);
    if (s.backend === 'postgres') {
      assert.deepEqual(claim, { claimed: false, status: 'running', counts: {} }, 'a live owner keeps its run');
      const lapsed = runKey();
      await s.db.query(insertForeign, [lapsed.program, lapsed.job, lapsed.period, 'cursor-7', now.toString(), -1]);
      const taken = await claimRun(s.db, lapsed, ctx);
      assert.ok(taken.claimed && taken.cursor === 'cursor-7', 'resumed from the dead owner\'s cursor');
      taken.lease.release();
    } else {
      assert.ok(claim.claimed && claim.cursor === 'cursor-7');
      claim.lease.release();
    }
  });

  it('a chunk of a run another process took over is not run: the run stops as running_elsewhere', async () => {
    const key = runKey();
    let chunks = 0;
    // After the first chunk commits, another process takes the run (as if this one had stalled past
    // its lease); the next chunk's transaction starts only once that has happened.
    let takenOver: Promise<unknown> = Promise.resolve();
    const db: Db = { ...s.db, transaction: async (fn) => (await takenOver, s.db.transaction(fn)) };
    const outcome = await runChunked(db, key, { ...ctx, onProgress: () => (takenOver = s.db.query(takeOver, [key.program, key.job, key.period])) }, async (_tx, cursor) => {
      chunks += 1;
      return { cursor: `${Number(cursor ?? 0) + 1}`, counts: { items: 10 } };
    });
    assert.equal(outcome.status, 'running_elsewhere');
    assert.equal(chunks, 1, 'the second chunk never ran');
    const [row] = await s.db.query<{ status: string; owner: string; cursor: string }>(runRow, [key.program, key.job, key.period]);
    assert.deepEqual({ status: row?.status, owner: row?.owner, cursor: row?.cursor }, { status: 'running', owner: 'other-process', cursor: '1' });
  });

  it("the scheduler resumes a run whose owner is gone, from its cursor, as of the run's own instant", async () => {
    const asOf = Temporal.Instant.from('2031-01-01T00:00:00Z');
    const key = { program: ALL_PROGRAMS, job: 'expire', period: asOf.toString() };
    await s.db.query(insertForeign, [key.program, key.job, key.period, 'mbr_', asOf.toString(), -1]);
    const logs: string[] = [];
    const log = { info: (_o: object, msg: string) => logs.push(msg), error: (_o: object, msg: string) => logs.push(`error: ${msg}`) };
    const scheduler = createScheduler({ db: s.db, clock: new TestClock(now), programs: { list: () => [] }, log });
    const outcomes = await scheduler.resumeLapsed();
    assert.deepEqual(outcomes.map((o) => [o.job, o.period, o.status]), [['expire', key.period, 'done']], logs.join('; '));
    const [row] = await s.db.query<{ status: string; owner: string }>(runRow, [key.program, key.job, key.period]);
    assert.deepEqual({ status: row?.status, owner: row?.owner }, { status: 'done', owner: processOwner });
    assert.deepEqual(await scheduler.resumeLapsed(), [], 'nothing is left to resume');
  });
});
