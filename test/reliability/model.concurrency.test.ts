import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyLedger } from '../../src/ledger/index.js';
import type { Program } from '../../src/programs/index.js';
import { backendNames, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { brokenVariant } from '../support/model/broken.js';
import { storeModelProgram } from '../support/model/program.js';
import { START, addStats, emptyStats, runModel } from '../support/model/runner.js';

/**
 * RELIABILITY.md D1: fast-check command sequences (earn by upstream events, redeem, refund, return,
 * cancel, adjust, reverse, forfeit, expire, clock jumps over month and fiscal-year ends) against
 * the in-memory model, compared after every command. PostgreSQL: 64 members at once on 64
 * connections, with same-member races. PGlite: fewer operations, every race's statements
 * interleaved by fc.scheduler. POINTBOOK_MODEL_OPS sets the operations (PostgreSQL; PGlite a
 * tenth; nightly 10^7), POINTBOOK_MODEL_SECONDS the time budget per backend (default 60, PGlite
 * 40 %; 0: none), POINTBOOK_MODEL_SEED reproduces a run (each run's seed is printed), and
 * POINTBOOK_MODEL_BROKEN installs a broken variant it must catch (support/model/broken.ts).
 */
const target = Number(process.env.POINTBOOK_MODEL_OPS ?? 100_000);
// CI's time limit comes first: each backend stops at its budget (0: none, as nightly) and says how far it got.
const budgetSeconds = Number(process.env.POINTBOOK_MODEL_SECONDS ?? 60);
const baseSeed = Number(process.env.POINTBOOK_MODEL_SEED ?? Date.now() % 1_000_000_000);

const sizes = {
  postgres: { ops: target, members: 64, concurrency: 64, maxCommands: 60, scheduler: false },
  pglite: { ops: Math.ceil(target / 10), members: 8, concurrency: 8, maxCommands: 40, scheduler: true },
};

for (const backend of backendNames()) {
  describe(`D1 model-based ledger [${backend}]`, () => {
    let database: TestDatabase | undefined;
    let program: Program;
    before(async () => {
      database = await createTestDatabase(backend, 64);
      program = await storeModelProgram(database.db, START);
      const broken = brokenVariant();
      if (broken) await database.db.exec(broken);
    });
    after(async () => {
      if (!database) return;
      try {
        assert.deepEqual(await verifyLedger(database.db), [], 'ledger verify finds no violation');
      } finally {
        await database.dispose();
      }
    });

    it(`matches the model after every command, ${sizes[backend].ops} operations`, async () => {
      assert.ok(database);
      const size = sizes[backend];
      const enrolled: string[] = [];
      const total = emptyStats();
      const started = Date.now();
      const budgetMs = (backend === 'pglite' ? budgetSeconds * 0.4 : budgetSeconds) * 1000;
      const withinBudget = () => budgetMs === 0 || Date.now() - started < budgetMs;
      for (let i = 0; total.ops < size.ops && withinBudget(); i += 1) {
        const seed = baseSeed + i;
        console.log(`D1 [${backend}] run with POINTBOOK_MODEL_SEED=${seed}`);
        const { stats } = await runModel({ db: database.db, program, enrolled, seed, numRuns: 1, ...size });
        addStats(total, stats);
      }
      const seconds = (Date.now() - started) / 1000;
      console.log(`D1 [${backend}] ${total.ops} operations in ${seconds.toFixed(1)} s (${Math.round(total.ops / seconds)}/s), ${total.races} races (${total.reordered} settled out of order), ${total.deadlockRetries} deadlock retries`);
      console.log(`D1 [${backend}] outcomes ${JSON.stringify(total.outcomes)}`);
      if (total.ops < size.ops) console.log(`D1 [${backend}] stopped at the ${budgetMs / 1000} s budget: ${total.ops} of ${size.ops} operations (POINTBOOK_MODEL_SECONDS=0 runs them all)`);
      assert.ok(total.ops >= Math.min(size.ops, 200), 'enough operations ran to mean something');
      // The suite must exercise what it claims: refusals and successes of each kind happened.
      for (const outcome of ['redeem', 'expire']) assert.ok(Object.keys(total.outcomes).some((k) => k.startsWith(outcome === 'redeem' ? 'billCredit:ok' : 'expire:ok')), `${outcome} ran`);
    });
  });
}
