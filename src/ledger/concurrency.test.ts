// RELIABILITY A1 and B1 on real PostgreSQL connections. PGlite has one connection, so on PGlite
// the file registers a single skipped test that says so.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { statement, type Db, type Queryable } from '../db/index.js';
import { createTestDatabase, describeStorage } from '../../test/support/databases.js';
import {
  T0,
  credit,
  day,
  debit,
  givenAccount,
  readLots,
  seededRandom,
  type CreditSpec,
} from '../../test/support/ledger-fixtures.js';
import { applyOperations, expireDueChunk, getBalance, verifyLedger, type LedgerResult, type LedgerOp } from './index.js';

const CONNECTIONS = 64;
// RELIABILITY A1: 100 seeds, each a different lot layout; a failure names its seed and layout.
const SEEDS = Array.from({ length: 100 }, (_, i) => 1 + i);
const POOL_SIZE = CONNECTIONS + 6;

/** One operation on a connection of its own; a thrown error (a deadlock, say) is kept, not raised. */
async function attempt(db: Queryable, op: LedgerOp, now: Temporal.Instant): Promise<LedgerResult | Error> {
  try {
    const [result] = await applyOperations(db, [op], now);
    assert.ok(result, 'one result');
    return result;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

async function runExpiryJob(db: Queryable, asOf: Temporal.Instant, limit: number): Promise<Error | undefined> {
  try {
    let after: string | undefined;
    do {
      after = (await expireDueChunk(db, asOf, after, limit)).lastMember;
    } while (after !== undefined);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

interface Layout {
  /** 1,000 spendable points over 1–4 lots with mixed expiries and classes. */
  valid: CreditSpec[];
  /** Lots already due at T0 that nothing has swept yet. */
  due: CreditSpec[];
  /** Other members with due lots, so the expiry job has work while the redeems run. */
  bystanders: CreditSpec[][];
}

function layoutFor(seed: number): Layout {
  const rng = seededRandom(seed);
  const lots = rng.int(1, 4);
  const cuts = new Set<number>();
  while (cuts.size < lots - 1) cuts.add(rng.int(1, 999));
  const edges = [0, ...[...cuts].sort((a, b) => a - b), 1000];
  const valid = edges.slice(1).map((edge, n): CreditSpec => {
    const spec: CreditSpec = { points: edge - (edges[n] ?? 0), lotClass: rng.pick(['base', 'bonus']) };
    if (rng.int(0, 3) > 0) spec.expiresAt = day(rng.int(1, 400));
    return spec;
  });
  const dueLot = (): CreditSpec => ({ points: rng.int(1, 500), expiresAt: day(-rng.int(1, 300)), lotClass: rng.pick(['base', 'bonus']) });
  const due = Array.from({ length: rng.int(0, 2) }, dueLot);
  const bystanders = Array.from({ length: rng.int(2, 6) }, () => [dueLot(), { points: rng.int(1, 100) }]);
  return { valid, due, bystanders };
}

interface Arranged {
  member: string;
  /** Every member of the run with the credits it was given. */
  credited: [string, CreditSpec[]][];
}

async function arrange(db: Db, layout: Layout): Promise<Arranged> {
  const credits = [...layout.valid, ...layout.due];
  const { member } = await givenAccount(db, { credits });
  const credited: [string, CreditSpec[]][] = [[member, credits]];
  for (const c of layout.bystanders) credited.push([(await givenAccount(db, { credits: c })).member, c]);
  return { member, credited };
}

/**
 * A1: 64 connections each redeem 100 from a member holding 1,000 spendable points (plus lots
 * already due), while two expiry jobs sweep in parallel. Returns every way the outcome differs
 * from "exactly 10 redeemed, balance 0, nothing negative, every due lot expired once, nothing thrown".
 */
async function overdraftProblems(db: Db, { member, credited }: Arranged): Promise<string[]> {
  const [outcomes, jobs] = await Promise.all([
    Promise.all(Array.from({ length: CONNECTIONS }, () => attempt(db, debit(member, 100), T0))),
    Promise.all([runExpiryJob(db, T0, 2), runExpiryJob(db, T0, 3)]),
  ]);
  const problems: string[] = [];
  for (const error of [...outcomes, ...jobs]) if (error instanceof Error) problems.push(`thrown: ${error.message}`);
  const statuses = outcomes.flatMap((o) => (o instanceof Error ? [] : [o.status]));
  const created = statuses.filter((s) => s === 'created').length;
  const refused = statuses.filter((s) => s === 'insufficient_points').length;
  if (created !== 10) problems.push(`${created} redeems succeeded, not 10`);
  if (refused !== CONNECTIONS - 10) problems.push(`${refused} redeems were refused, not ${CONNECTIONS - 10}`);
  const balance = await getBalance(db, member, T0);
  if (balance?.available !== 0) problems.push(`the balance is ${balance?.available}, not 0`);
  const [negative] = await db.query<{ n: number }>(negativeAccounts);
  if ((negative?.n ?? 0) > 0) problems.push(`${negative?.n} accounts are negative`);
  for (const [who, credits] of credited) {
    const dueTotal = credits.filter((c) => c.expiresAt && Temporal.Instant.compare(c.expiresAt, T0) <= 0).reduce((sum, c) => sum + c.points, 0);
    const expired = (await readLots(db, who)).reduce((sum, l) => sum + l.expired, 0);
    if (expired !== dueTotal) problems.push(`${who} has ${expired} points expired, not ${dueTotal}`);
  }
  return problems;
}

const negativeAccounts = statement('test.negativeAccounts', 'select count(*) as n from ledger_accounts where available < 0');

// A redeem as the lessons of RELIABILITY.md warn against: read the balance, decide, write it back,
// with no member lock. The A1 harness must catch it, or it proves nothing.
const readThenWriteRedeem = `
  create or replace function ledger_debit(p_member text, o jsonb, p_now timestamptz) returns jsonb language plpgsql as $$
  declare
    v_points bigint := (o->>'points')::bigint;
    v_available bigint;
  begin
    select available into v_available from ledger_accounts where member_id = p_member;
    if v_available < v_points then
      return jsonb_build_object('status', 'insufficient_points', 'available', v_available, 'requested', v_points);
    end if;
    perform pg_sleep(0.005);
    update ledger_accounts set available = v_available - v_points where member_id = p_member;
    return ledger_record(p_member, ledger_new_id(), 'debit', o, p_now, v_points, -v_points, 0, v_available - v_points, 0,
      'program:redeemed', null, array['member:available', 'program:redeemed'], array[-v_points, v_points]);
  end $$;
  create or replace function ledger_apply(p_ops jsonb, p_now timestamptz) returns jsonb language plpgsql as $$
  declare
    v_results jsonb[] := '{}';
    o jsonb;
  begin
    for o in select value from jsonb_array_elements(p_ops) loop
      v_results := v_results || ledger_debit(o->>'member', o, p_now);
    end loop;
    return to_jsonb(v_results);
  end $$;`;

describeStorage(
  'ledger under concurrent connections',
  (ctx) => {
    if (ctx.backend === 'pglite') {
      it('concurrent connections', { skip: 'PGlite has a single connection, so nothing here can run concurrently' }, () => {});
      return;
    }

    for (const seed of SEEDS) {
      it(`A1 seed ${seed}: ${CONNECTIONS} connections redeem 100 from 1,000 points while expiry runs: exactly 10 succeed`, async () => {
        const layout = layoutFor(seed);
        const problems = await overdraftProblems(ctx.db, await arrange(ctx.db, layout));
        assert.deepEqual(problems, [], `seed ${seed}, lots ${JSON.stringify(layout)}`);
        assert.deepEqual(await verifyLedger(ctx.db), [], `ledger verify after seed ${seed}`);
      });
    }

    it('A1 catches a read-then-write redeem without the member lock (the harness is not vacuous)', async () => {
      const broken = await createTestDatabase(ctx.backend, POOL_SIZE);
      try {
        // Set-up runs on the real functions; only the redeems run on the broken ones.
        const arranged = await arrange(broken.db, layoutFor(1));
        await broken.db.exec(readThenWriteRedeem);
        const problems = await overdraftProblems(broken.db, arranged);
        assert.ok(
          problems.some((p) => /redeems succeeded, not 10/.test(p)),
          `the broken redeem went unnoticed: ${JSON.stringify(problems)}`,
        );
      } finally {
        await broken.dispose();
      }
    });

    for (const op of ['credit', 'debit'] as const) {
      it(`B1 32 concurrent submissions of one ${op} key: one created, the others replayed or in flight`, async () => {
        const { member } = await givenAccount(ctx.db, { credits: [{ points: 1000, expiresAt: day(30) }] });
        const same = op === 'credit' ? credit(member, 100) : debit(member, 100);
        const outcomes = await Promise.all(Array.from({ length: 32 }, () => attempt(ctx.db, same, T0)));
        const errors = outcomes.filter((o): o is Error => o instanceof Error);
        assert.deepEqual(errors.map((e) => e.message), []);
        const results = outcomes.filter((o): o is LedgerResult => !(o instanceof Error));
        const created = results.filter((r) => r.status === 'created');
        assert.equal(created.length, 1, JSON.stringify(results.map((r) => r.status)));
        const [first] = created;
        for (const r of results) {
          if (r.status === 'replayed') assert.deepEqual(r, { ...first, status: 'replayed' });
          else if (r.status !== 'created') assert.deepEqual(r, { status: 'idempotency_key_in_flight' });
        }
        assert.equal((await getBalance(ctx.db, member, T0))?.available, op === 'credit' ? 1100 : 900);
        // After the first commits, every retry replays it.
        assert.deepEqual(await attempt(ctx.db, same, T0), { ...first, status: 'replayed' });
      });
    }

    it('concurrent batches over overlapping members, in any order, never deadlock and lose nothing', async () => {
      const rng = seededRandom(4242);
      const members = await Promise.all(Array.from({ length: 8 }, () => givenAccount(ctx.db, { credits: [{ points: 500 }] })));
      const batches: LedgerOp[][] = Array.from({ length: 48 }, () =>
        Array.from({ length: rng.int(2, 6) }, (): LedgerOp => {
          const { member } = rng.pick(members);
          return rng.int(0, 1) === 0 ? credit(member, rng.int(1, 50)) : debit(member, rng.int(1, 80));
        }),
      );
      const outcomes = await Promise.all(
        batches.map(async (ops) => {
          try {
            return await applyOperations(ctx.db, ops, T0);
          } catch (error) {
            return error instanceof Error ? error : new Error(String(error));
          }
        }),
      );
      const errors = outcomes.filter((o): o is Error => o instanceof Error);
      assert.deepEqual(errors.map((e) => e.message), []);
      const expected = new Map(members.map((m) => [m.member, 500]));
      batches.forEach((ops, b) => {
        const results = outcomes[b];
        assert.ok(Array.isArray(results), `batch ${b} has results`);
        ops.forEach((op, i) => {
          const status = results[i]?.status;
          if (status !== 'created') return;
          const points = op.op === 'credit' ? op.points : op.op === 'debit' ? -op.points : 0;
          expected.set(op.member, (expected.get(op.member) ?? 0) + points);
        });
      });
      for (const [member, available] of expected) {
        assert.equal((await getBalance(ctx.db, member, T0))?.available, available, member);
      }
    });
  },
  { poolSize: POOL_SIZE },
);
