import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDb, statement, type Db } from '../../src/db/index.js';
import { verifyLedger } from '../../src/ledger/index.js';
import type { Program } from '../../src/programs/index.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { stateDiff } from '../support/model/check.js';
import { storeModelProgram } from '../support/model/program.js';
import { START, addStats, emptyStats, runModel, type ModelRunResult } from '../support/model/runner.js';
import { readLedger } from '../support/model/system.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/**
 * RELIABILITY.md C2 and C3, with D1's commands: the app reaches PostgreSQL through a TCP proxy
 * that drops connections and drops replies after the server committed, at 0–30 % per seed. Every
 * command ends ok, refused or unknown; an unknown one is sent again with the same keys (event
 * ids, Idempotency-Keys, ledger keys) where the faults have stopped, and must then answer as the
 * model says: applied once, never twice, never lost. After the last seed the faults stop (C3): the
 * server holds no open transaction or lock of ours within 60 s, every member reads as its model,
 * and `ledger verify` is clean. POINTBOOK_FAULT_SEEDS (default 3) and POINTBOOK_MODEL_SEED.
 */
const seeds = Number(process.env.POINTBOOK_FAULT_SEEDS ?? 3);
const baseSeed = Number(process.env.POINTBOOK_MODEL_SEED ?? Date.now() % 1_000_000_000);
const CONVERGE_MS = 60_000;

const ours = statement('test.faults.ours', `
  select (select count(*) from pg_stat_activity where datname = current_database() and state like 'idle in transaction%') as open_transactions,
         (select count(*) from pg_locks l join pg_database d on d.oid = l.database
          where d.datname = current_database() and l.locktype = 'advisory') as advisory_locks`);

describe('C2 ambiguous outcomes through a faulty TCP proxy [postgres]', { skip: process.env.DATABASE_URL ? false : 'needs DATABASE_URL' }, () => {
  let database: TestDatabase | undefined;
  let proxy: TcpProxy | undefined;
  let faulty: Db | undefined;
  let program: Program;
  before(async () => {
    database = await createTestDatabase('postgres', 8);
    assert.ok(database.url);
    program = await storeModelProgram(database.db, START);
    proxy = await startTcpProxy(database.url);
    faulty = await openDb({ databaseUrl: proxy.url, poolSize: 32 });
  });
  after(async () => {
    await faulty?.close();
    await proxy?.close();
    if (!database) return;
    try {
      assert.deepEqual(await verifyLedger(database.db), [], 'ledger verify finds no violation');
    } finally {
      await database.dispose();
    }
  });

  it(`every unknown resolves by retry with the same key; the database ends as the model (${seeds} seeds)`, async () => {
    assert.ok(database && proxy && faulty);
    const total = emptyStats();
    const enrolled: string[] = [];
    const finals: ModelRunResult['members'] = [];
    const started = Date.now();
    for (let i = 0; i < seeds; i += 1) {
      const seed = baseSeed + i;
      // VOPR-style swarm: each seed its own rates, from none to 30 %.
      const rates = { drop: (seed % 7) * 0.05, afterCommit: ((seed * 3) % 7) * 0.05 };
      proxy.setFaults(rates, seed);
      console.log(`C2 seed POINTBOOK_MODEL_SEED=${seed}: drop ${rates.drop.toFixed(2)}, drop after commit ${rates.afterCommit.toFixed(2)}`);
      const result = await runModel({
        db: faulty, cleanDb: database.db, faults: true, program, enrolled, seed,
        numRuns: 1, members: 32, concurrency: 32, maxCommands: 30,
      });
      addStats(total, result.stats);
      finals.push(...result.members);
    }
    proxy.setFaults({ drop: 0, afterCommit: 0 }, 0);
    const seconds = (Date.now() - started) / 1000;
    console.log(`C2 ${total.ops} operations in ${seconds.toFixed(1)} s; ${total.unknown} unknown, all resolved (${total.inFlightRetries} in-flight retries); proxy ${JSON.stringify(proxy.counts)}`);
    assert.ok(proxy.counts.droppedAfterCommit > 0 && proxy.counts.dropped > 0, 'the proxy dropped connections and replies after commit');
    assert.ok(total.unknown > 0, 'some outcomes were unknown');

    // C3: with the faults stopped, nothing of ours stays open on the server.
    const deadline = Date.now() + CONVERGE_MS;
    let left = { open_transactions: -1, advisory_locks: -1 };
    while (Date.now() < deadline) {
      [left = left] = await database.db.query<typeof left>(ours);
      if (Number(left.open_transactions) === 0 && Number(left.advisory_locks) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.deepEqual({ open: Number(left.open_transactions), locks: Number(left.advisory_locks) }, { open: 0, locks: 0 }, 'converged within 60 s');
    for (const { id, state } of finals) {
      const diff = stateDiff(state, await readLedger(database.db, id, state.now));
      assert.equal(diff, undefined, `member ${id} reads as its model`);
    }
    // The faulty pool still works once the faults stop: it replaced every connection it lost.
    const [one] = await faulty.query<{ one: number }>(statement('test.faults.one', 'select 1 as one'));
    assert.equal(one?.one, 1);
  });
});
