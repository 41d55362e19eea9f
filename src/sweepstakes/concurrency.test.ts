// RELIABILITY A2 for SU-12 on real PostgreSQL connections: one entry per member and period holds
// when 64 attempts of one member arrive at once (the first period's commitment is opened by them
// too), at READ COMMITTED, over 20 seeds — one entry, 63 `already_entered`, each refusal recorded.
// PGlite has one connection, so there the file registers a single skipped test that says so.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { statement, type Db } from '../db/index.js';
import { Refusal } from '../errors.js';
import { enrolMember } from '../members/index.js';
import { loadProgramFile, syncPrograms, type Program } from '../programs/index.js';
import { describeStorage } from '../../test/support/databases.js';
import { seededRandom } from '../../test/support/ledger-fixtures.js';
import { enter, type SweepstakesDefinition } from './index.js';

const CONNECTIONS = 64;
const SEEDS = Array.from({ length: 20 }, (_, i) => 1 + i);
const NOW = Temporal.Instant.from('2024-04-10T12:00:00+09:00');
const PERIOD = '2024-04';
const address = { postalCode: '141-0032', region: '東京都', locality: '品川区', line1: '大崎1-1-1' };

/**
 * The example's sweepstakes with every gate open: this file tests the one-entry guard, not SU-4's
 * gates (the scenarios and test/http/sweepstakes.test.ts do), so any prize may be chosen.
 */
function openGates(definition: SweepstakesDefinition): SweepstakesDefinition {
  return { ...definition, eligibility: { ...definition.eligibility, when: 'true' }, prizes: definition.prizes.map((p) => ({ ...p, when: 'true' })) };
}

async function attempt(run: () => Promise<unknown>): Promise<string | Error> {
  try {
    await run();
    return 'created';
  } catch (error) {
    if (error instanceof Refusal) return error.code;
    return error instanceof Error ? error : new Error(String(error));
  }
}

const entriesOf = statement('test.a2.su12.entries', 'select count(*)::int as n from sweepstakes_entries where member_id = $1 and sweepstakes_key = $2 and period = $3');
const refusalsOf = statement('test.a2.su12.refusals', `select count(*)::int as n from sweepstakes_refusals where member_id = $1 and sweepstakes_key = $2 and period = $3 and code = 'already_entered'`);
const periodsOf = statement('test.a2.su12.periods', 'select count(*)::int as n from sweepstakes_periods where sweepstakes_key = $1 and period = $2');

/** What is wrong after 64 concurrent entries of one member; empty when exactly one counted. */
async function oneEntryProblems(db: Db, program: Program, definition: SweepstakesDefinition, seed: number): Promise<string[]> {
  const rng = seededRandom(seed);
  const { member } = await db.transaction((tx) =>
    enrolMember(tx, { program: program.key, externalId: `su12-${process.pid}-${seed}`, postalAddress: address, joinedAt: Temporal.Instant.from('2008-01-10T10:00:00+09:00') }, { now: NOW, actor: 'test' }),
  );
  const outcomes = await Promise.all(
    Array.from({ length: CONNECTIONS }, () =>
      attempt(() => enter(db, program, definition, { memberId: member.id, prize: rng.pick(definition.prizes).key, country: { code: 'JP', by: 'test' } }, { now: NOW, actor: 'test:a2' })),
    ),
  );
  return checkOneEntry(db, member.id, definition, outcomes);
}

async function checkOneEntry(db: Db, memberId: string, definition: SweepstakesDefinition, outcomes: (string | Error)[]): Promise<string[]> {
  const counts: Record<string, number> = {};
  const problems: string[] = [];
  for (const o of outcomes) {
    if (o instanceof Error) problems.push(`thrown: ${o.message}`);
    else counts[o] = (counts[o] ?? 0) + 1;
  }
  if (counts.created !== 1) problems.push(`${counts.created ?? 0} entries were taken, not 1 (${JSON.stringify(counts)})`);
  if (counts.already_entered !== CONNECTIONS - 1) problems.push(`${counts.already_entered ?? 0} were already_entered, not ${CONNECTIONS - 1}`);
  const [entries] = await db.query<{ n: number }>(entriesOf, [memberId, definition.key, PERIOD]);
  if (entries?.n !== 1) problems.push(`${entries?.n} entry rows, not 1`);
  const [refusals] = await db.query<{ n: number }>(refusalsOf, [memberId, definition.key, PERIOD]);
  if (refusals?.n !== CONNECTIONS - 1) problems.push(`${refusals?.n} refusals recorded, not ${CONNECTIONS - 1}`);
  const [periods] = await db.query<{ n: number }>(periodsOf, [definition.key, PERIOD]);
  if (periods?.n !== 1) problems.push(`${periods?.n} commitments for the period, not 1`);
  return problems;
}

describeStorage(
  'SU-12 one entry per member under concurrent connections',
  (storage) => {
    if (storage.backend === 'pglite') {
      it('concurrent connections', { skip: 'PGlite has a single connection, so nothing here can run concurrently' }, () => {});
      return;
    }
    const program = loadProgramFile('examples/programs/sonet/program.yaml');
    const [example] = program.sweepstakes ?? [];
    assert.ok(example, 'the So-net example has its sweepstakes');
    const definition = openGates(example);
    before(async () => {
      await syncPrograms(storage.db, [program], NOW);
      const [isolation] = await storage.db.query<{ level: string }>(statement('test.a2.su12.isolation', 'select current_setting($1) as level'), ['default_transaction_isolation']);
      assert.equal(isolation?.level, 'read committed', 'A2 must hold at READ COMMITTED');
    });

    for (const seed of SEEDS) {
      it(`A2 SU-12 seed ${seed}: ${CONNECTIONS} entries of one member at once: exactly one counts, the rest are refused and recorded`, async () => {
        assert.deepEqual(await oneEntryProblems(storage.db, program, definition, seed), [], `seed ${seed}`);
      });
    }

    // The guard is the table's unique key (member, sweepstakes, period). Without it the entry's
    // `on conflict` has nothing to stand on: the harness must say so rather than pass.
    it('A2 SU-12 notices the one-entry key gone (the harness is not vacuous)', async () => {
      const [constraint] = await storage.db.query<{ name: string }>(statement('test.a2.su12.constraint', `
        select conname as name from pg_constraint where conrelid = 'sweepstakes_entries'::regclass and contype = 'u'`));
      assert.ok(constraint, 'the entries table has its unique key');
      await storage.db.exec(`alter table sweepstakes_entries drop constraint ${constraint.name}`);
      try {
        const problems = await oneEntryProblems(storage.db, program, definition, 101);
        assert.ok(problems.some((p) => /entries were taken, not 1/u.test(p)), JSON.stringify(problems));
      } finally {
        await storage.db.exec(`alter table sweepstakes_entries add constraint ${constraint.name} unique (member_id, sweepstakes_key, period)`);
      }
    });
  },
  { poolSize: CONNECTIONS + 6 },
);
