// RELIABILITY A2 on real PostgreSQL connections: the FL-4 monthly cap and catalog stock stay exact
// under 64 concurrent attempts, at READ COMMITTED, over 20 seeds; and the harness catches a
// read-then-write variant of each guard. PGlite has one connection, so there the file registers
// a single skipped test that says so.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { statement, type Db } from '../db/index.js';
import { Refusal } from '../errors.js';
import { getBalance, post, verifyLedger } from '../ledger/index.js';
import { enrolMember, type Member } from '../members/index.js';
import { writeProgramFile } from '../../test/support/programs.js';
import { loadProgramFile, syncPrograms, type Program } from '../programs/index.js';
import { describeStorage } from '../../test/support/databases.js';
import { seededRandom } from '../../test/support/ledger-fixtures.js';
import { issueStepUpKey, redeem } from './index.js';

const CONNECTIONS = 64;
const SEEDS = Array.from({ length: 20 }, (_, i) => 1 + i);
const POOL_SIZE = CONNECTIONS + 6;
const NOW = Temporal.Instant.from('2026-04-15T12:00:00+09:00');
const ctx = { now: NOW, actor: 'test:a2' };

function programFile(): string {
  const rewards = SEEDS.map((seed) => `    - { id: item-${seed}, names: { ja: 品${seed}, en: Item ${seed} }, points: 500, stock: 10, kind: item, shipping: none }`);
  return writeProgramFile(
    'a2-lab',
    [
      'key: a2-lab',
      'name: A2 lab',
      'timeZone: Asia/Tokyo',
      'currency: JPY',
      'pointValue: { points: 1, amountMinor: 1 }',
      'expiry: { policy: none }',
      'redemption:',
      '  billCredit: { step: 1, monthlyCap: 5000 }',
      '  stepUp: { trustedHeader: X-Line, required: [catalog] }',
      '  catalog:',
      ...rewards,
      '',
    ].join('\n'),
  );
}

let sequence = 0;
async function givenMember(db: Db, program: Program, credits: { points: number; expiresAt?: Temporal.Instant }[]): Promise<Member> {
  sequence += 1;
  const externalId = `a2-${process.pid}-${sequence}`;
  const { member } = await db.transaction((tx) => enrolMember(tx, { program: program.key, externalId }, { now: NOW.subtract({ hours: 24 * 30 }), actor: 'test' }));
  for (const [n, c] of credits.entries()) {
    await post(db, { op: 'credit', member: member.id, key: `seed:${n}`, points: c.points, actor: 'test', ...(c.expiresAt ? { expiresAt: c.expiresAt } : {}) }, NOW.subtract({ hours: 24 }));
  }
  return member;
}

const othersConnected = statement('test.a2.othersConnected', `
  select (select setting::int from pg_settings where name = 'max_connections')
       - (select setting::int from pg_settings where name = 'superuser_reserved_connections')
       - (select count(*)::int from pg_stat_activity where datname is distinct from current_database()) as free`);

/**
 * Waits (up to 2 minutes) until the server has room for this file's 64 connections besides what
 * other databases hold: another 64-connection suite (the ledger's A1) may run beside this one
 * under `npm test`, and two at once pass a max_connections of 100.
 */
async function awaitConnectionBudget(db: Db): Promise<void> {
  for (let waited = 0; waited < 120_000; waited += 500) {
    const [row] = await db.query<{ free: number }>(othersConnected);
    if ((row?.free ?? 0) >= CONNECTIONS + 2) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** A redemption's outcome: 'created', its refusal code, or the fault it threw. */
async function attempt(run: () => Promise<unknown>): Promise<string | Error> {
  try {
    await run();
    return 'created';
  } catch (error) {
    if (error instanceof Refusal) return error.code;
    return error instanceof Error ? error : new Error(String(error));
  }
}

function tally(outcomes: (string | Error)[]): { counts: Record<string, number>; faults: string[] } {
  const counts: Record<string, number> = {};
  const faults: string[] = [];
  for (const o of outcomes) {
    if (o instanceof Error) faults.push(o.message);
    else counts[o] = (counts[o] ?? 0) + 1;
  }
  return { counts, faults };
}

const counterOf = statement('test.a2.counter', 'select used from redemption_counters where member_id = $1 and counter = $2');
const redemptionsOf = statement('test.a2.redemptions', 'select count(*) as n from redemptions where program_key = $1 and (kind = $2) and ($3::text is null or member_id = $3) and ($4::text is null or reward_id = $4)');
const takenOf = statement('test.a2.taken', 'select taken from redemption_stock where program_key = $1 and reward_id = $2');

/** A2, FL-4: 64 connections each apply a 100-pt bill credit for one member in one month, cap 5,000. */
async function billCreditProblems(db: Db, program: Program, seed: number): Promise<string[]> {
  const rng = seededRandom(seed);
  // Mixed lot layouts, 6,000–9,000 points: always enough, so only the cap can refuse.
  const lots = rng.int(1, 4);
  const total = rng.int(6000, 9000);
  const credits = Array.from({ length: lots }, (_, n) => ({
    points: n < lots - 1 ? Math.floor(total / lots) : total - Math.floor(total / lots) * (lots - 1),
    ...(rng.int(0, 1) ? { expiresAt: NOW.add({ hours: 24 * rng.int(1, 400) }) } : {}),
  }));
  const member = await givenMember(db, program, credits);
  await awaitConnectionBudget(db);
  const outcomes = await Promise.all(
    Array.from({ length: CONNECTIONS }, (_, n) =>
      attempt(() => redeem(db, { program, member, request: { kind: 'bill_credit', points: 100 }, idempotencyKey: `bc-${seed}-${n}`, trustedLine: false }, ctx)),
    ),
  );
  const { counts, faults } = tally(outcomes);
  const problems = faults.map((f) => `thrown: ${f}`);
  if (counts.created !== 50) problems.push(`${counts.created ?? 0} bill credits succeeded, not 50 (${JSON.stringify(counts)})`);
  if (counts.over_limit !== CONNECTIONS - 50) problems.push(`${counts.over_limit ?? 0} were over_limit, not ${CONNECTIONS - 50}`);
  const [counter] = await db.query<{ used: number }>(counterOf, [member.id, 'bill_credit:2026-04']);
  if (counter?.used !== 5000) problems.push(`the counter says ${counter?.used}, not 5000`);
  const [rows] = await db.query<{ n: number }>(redemptionsOf, [program.key, 'bill_credit', member.id, null]);
  if (rows?.n !== 50) problems.push(`${rows?.n} redemptions recorded, not 50`);
  const balance = await getBalance(db, member.id, NOW);
  if (balance?.available !== total - 5000) problems.push(`balance ${balance?.available}, not ${total - 5000}`);
  return problems;
}

/** A2, FL-3: 64 members redeem one reward of stock 10 at once; half prove the step-up with a key. */
async function stockProblems(db: Db, program: Program, seed: number): Promise<string[]> {
  const rng = seededRandom(seed * 7919);
  const reward = `item-${seed}`;
  const members: Member[] = [];
  for (let n = 0; n < CONNECTIONS; n += 1) members.push(await givenMember(db, program, [{ points: rng.int(500, 1500) }]));
  const proofs: { trustedLine: boolean; key?: string }[] = [];
  for (const m of members) proofs.push(rng.int(0, 1) ? { trustedLine: true } : { trustedLine: false, key: (await issueStepUpKey(db, program, m.id, { email: `${m.id}@example.jp`, locale: 'ja' }, ctx)).key });
  await awaitConnectionBudget(db);
  const outcomes = await Promise.all(
    members.map((member, n) =>
      attempt(() =>
        redeem(db, { program, member, request: { kind: 'catalog', rewardId: reward, stepUpKey: proofs[n]?.key }, idempotencyKey: `st-${seed}-${n}`, trustedLine: proofs[n]?.trustedLine ?? false }, ctx),
      ),
    ),
  );
  const { counts, faults } = tally(outcomes);
  const problems = faults.map((f) => `thrown: ${f}`);
  if (counts.created !== 10) problems.push(`${counts.created ?? 0} catalog redemptions succeeded, not 10 (${JSON.stringify(counts)})`);
  if (counts.out_of_stock !== CONNECTIONS - 10) problems.push(`${counts.out_of_stock ?? 0} were out_of_stock, not ${CONNECTIONS - 10}`);
  const [taken] = await db.query<{ taken: number }>(takenOf, [program.key, reward]);
  if (taken?.taken !== 10) problems.push(`the stock row says ${taken?.taken} taken, not 10`);
  const [rows] = await db.query<{ n: number }>(redemptionsOf, [program.key, 'catalog', null, reward]);
  if (rows?.n !== 10) problems.push(`${rows?.n} redemptions recorded, not 10`);
  return problems;
}

// The guards as RELIABILITY.md warns against writing them: read, decide, write back.
const readThenWriteCount = `
  create or replace function redemption_count(p_member text, p_counter text, p_points bigint, p_cap bigint)
  returns bigint language plpgsql volatile as $$
  declare v_used bigint;
  begin
    select coalesce(max(used), 0) into v_used from redemption_counters where member_id = p_member and counter = p_counter;
    if v_used + p_points > p_cap then return null; end if;
    perform pg_sleep(0.005);
    insert into redemption_counters (member_id, counter, used, cap) values (p_member, p_counter, v_used + p_points, p_cap)
    on conflict (member_id, counter) do update set used = v_used + p_points;
    return v_used + p_points;
  end $$;`;
const readThenWriteStock = `
  create or replace function redemption_take_stock(p_program text, p_reward text, p_stock bigint)
  returns bigint language plpgsql volatile as $$
  declare v_taken bigint;
  begin
    select coalesce(max(taken), 0) into v_taken from redemption_stock where program_key = p_program and reward_id = p_reward;
    if v_taken + 1 > p_stock then return null; end if;
    perform pg_sleep(0.005);
    insert into redemption_stock (program_key, reward_id, taken, stock) values (p_program, p_reward, v_taken + 1, p_stock)
    on conflict (program_key, reward_id) do update set taken = v_taken + 1, stock = p_stock;
    return p_stock - v_taken - 1;
  end $$;`;

/** The function as migration 0007 defines it, to put back after a broken variant. */
function migratedFunction(name: string): string {
  const migration = readFileSync(new URL('../db/migrations/0007-redemption.sql', import.meta.url), 'utf8');
  const found = new RegExp(`create function ${name}\\(.*?\\$\\$;`, 's').exec(migration);
  assert.ok(found, `migration 0007 defines ${name}`);
  return found[0].replace('create function', 'create or replace function');
}

describeStorage(
  'redemption under concurrent connections',
  (storage) => {
    if (storage.backend === 'pglite') {
      it('concurrent connections', { skip: 'PGlite has a single connection, so nothing here can run concurrently' }, () => {});
      return;
    }
    const program = loadProgramFile(programFile());
    before(async () => {
      await syncPrograms(storage.db, [program], NOW);
      const [isolation] = await storage.db.query<{ level: string }>(statement('test.a2.isolation', 'select current_setting($1) as level'), ['default_transaction_isolation']);
      assert.equal(isolation?.level, 'read committed', 'A2 must hold at READ COMMITTED');
    });

    for (const seed of SEEDS) {
      it(`A2 FL-4 seed ${seed}: ${CONNECTIONS} connections apply 100-pt bill credits for one member in one month, cap 5,000: exactly 50`, async () => {
        assert.deepEqual(await billCreditProblems(storage.db, program, seed), [], `seed ${seed}`);
      });
    }
    for (const seed of SEEDS) {
      it(`A2 FL-3 seed ${seed}: ${CONNECTIONS} members redeem a reward of stock 10 at once: exactly 10`, async () => {
        assert.deepEqual(await stockProblems(storage.db, program, seed), [], `seed ${seed}`);
      });
    }
    it('ledger verify holds after every seed', async () => {
      assert.deepEqual(await verifyLedger(storage.db), []);
    });

    // On this file's own database (a second pool of 64 would pass max_connections): swap the guard
    // for a broken one, run a seed, and put the migration's guard back.
    for (const [guard, name, broken, run, pattern] of [
      ['the monthly cap', 'redemption_count', readThenWriteCount, billCreditProblems, /bill credits succeeded, not 50/],
      ['the stock', 'redemption_take_stock', readThenWriteStock, stockProblems, /catalog redemptions succeeded, not 10/],
    ] as const) {
      it(`A2 catches a read-then-write guard of ${guard} (the harness is not vacuous)`, async () => {
        await storage.db.exec(broken);
        try {
          const problems = await run(storage.db, program, 1);
          assert.ok(problems.some((p) => pattern.test(p)), `the broken guard went unnoticed: ${JSON.stringify(problems)}`);
        } finally {
          await storage.db.exec(migratedFunction(name));
        }
      });
    }
    it('the guards are the migration\'s again', async () => {
      assert.deepEqual(await billCreditProblems(storage.db, program, 101), []);
    });
  },
  { poolSize: POOL_SIZE },
);
