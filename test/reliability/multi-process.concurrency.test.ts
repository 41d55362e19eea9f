import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { createScratchDatabase, migrate, openDb, statement, type Db, type ScratchDatabase } from '../../src/db/index.js';
import type { EventResult } from '../../src/earning/events/apply.js';
import type { EventEnvelope } from '../../src/earning/events/types.js';
import type { JobOutcome } from '../../src/jobs/chunked.js';
import { verifyLedger } from '../../src/ledger/index.js';
import { enrolMember } from '../../src/members/index.js';
import { loadPrograms, syncPrograms } from '../../src/programs/index.js';
import { seedContractMembers, ulidTimePrefix } from '../../bench/seed.js';
import { startServer, type ServerProcess } from '../support/server-process.js';

/**
 * "Scale past one process" (issue #9) and C3 liveness for jobs (RELIABILITY.md): several real
 * `pointbook serve` processes on one PostgreSQL database. Two servers moved over the same months
 * run each scheduled job once per period; event batches sent to both at once are credited once;
 * a server SIGKILLed in the middle of a monthly grant leaves a run that the other server's
 * scheduler, or a restarted server, finishes from its cursor within seconds. Decisions 62 and 63.
 */

const serverUrl = process.env.DATABASE_URL;
const TOKEN = 'multi-process-operator-token';
/** FL-2 contracts: three pages of the monthly grant (5,000 each), so a kill can land after the first commits. */
const CONTRACTS = 11_000;
const SONY_MEMBERS = 200;
/** The test clocks: from before April 1 to after May 1, so two months' jobs fall due on both servers. */
const CLOCK_FROM = '2026-03-31T12:00:00+09:00';
const CLOCK_STEPS = ['2026-04-15T12:00:00+09:00', '2026-05-01T12:00:00+09:00'];
const SCHEDULED_MONTHS = ['2026-04', '2026-05'];
/** C3: a dead owner's run must be finished within this (RELIABILITY.md: jobs converge within 60 s). */
const CONVERGE_MS = 60_000;
const at = (iso: string) => Temporal.Instant.from(iso);

type Answer = { status: number; body: unknown };

const runOf = statement('test.multi.run', `select status, owner, cursor, counts from job_runs where program_key = $1 and job = $2 and period = $3`);
const allRuns = statement('test.multi.allRuns', `select program_key, job, period, status, counts from job_runs`);
const grantsOf = statement('test.multi.grants', `select count(*)::int as n from ledger_journal where kind = 'grant' and metadata->>'month' = $1`);
const balances = statement('test.multi.balances', `
  select m.external_id, a.available + a.pending as points from ledger_accounts a join members m using (member_id) where m.program_key = $1`);
const eventsApplied = statement('test.multi.events', `select count(*)::int as n from member_events where event_id like $1`);

describe('several pointbook serve processes on one PostgreSQL [postgres]', { skip: serverUrl ? false : 'PostgreSQL only: set DATABASE_URL' }, () => {
  let scratch: ScratchDatabase | undefined;
  let database: Db | undefined;
  const servers = new Set<ServerProcess>();
  const db = () => {
    assert.ok(database, 'the database is open');
    return database;
  };
  const env = () => ({
    DATABASE_URL: scratch?.url,
    POINTBOOK_ADMIN_TOKEN: TOKEN,
    POINTBOOK_LOG_LEVEL: 'warn',
    POINTBOOK_DB_POOL_SIZE: '4',
    POINTBOOK_SMTP_URL: undefined,
    POINTBOOK_GEOIP_DB: undefined,
  });
  const start = async (args: string[]) => {
    const server = await startServer({ args, env: env() });
    servers.add(server);
    return server;
  };
  const stop = async (server: ServerProcess) => {
    await server.stop();
    servers.delete(server);
  };

  before(async () => {
    assert.ok(serverUrl);
    scratch = await createScratchDatabase(serverUrl, 'pointbook_multi');
    database = await openDb({ databaseUrl: scratch.url, poolSize: 4 });
    await migrate(database);
    await syncPrograms(database, loadPrograms('examples/programs'), at('2004-01-01T00:00:00Z'));
    const since = at('2025-01-10T10:00:00+09:00');
    await seedContractMembers(database, { program: 'flets-club', idPrefix: ulidTimePrefix(since), externalPrefix: 'mp-fl-', count: CONTRACTS, since, contractType: 'flets-hikari' });
    await database.transaction(async (tx) => {
      for (let i = 0; i < SONY_MEMBERS; i += 1) {
        await enrolMember(tx, { program: 'sony-rewards', externalId: `mp-sr-${i}`, joinedAt: at('2014-01-01T00:00:00-08:00') }, { now: at('2014-01-01T00:00:00Z'), actor: 'test:multi-seed' });
      }
    });
  });

  after(async () => {
    for (const server of servers) await server.kill();
    await database?.close();
    await scratch?.drop();
  });

  describe('two servers with test clocks, moved over the same months at once', () => {
    let a: ServerProcess | undefined;
    let b: ServerProcess | undefined;
    const both = (): [ServerProcess, ServerProcess] => {
      assert.ok(a && b, 'both servers are up');
      return [a, b];
    };
    before(async () => {
      [a, b] = await Promise.all([start(['--test-clock', CLOCK_FROM]), start(['--test-clock', CLOCK_FROM])]);
    });
    after(async () => {
      await Promise.all([a, b].filter((s) => s !== undefined).map(stop));
    });

    it('runs each scheduled job once per period: one server runs it, the other finds it done', async (t) => {
      // A month per move: each answer comes within fetch's 300 s wait for headers on a loaded machine.
      const outcomes: (JobOutcome & { server: number })[] = [];
      for (const now of CLOCK_STEPS) {
        const answers = await Promise.all(both().map((s) => send(s, 'POST', '/v1/test-clock', { now })));
        for (const answer of answers) assert.equal(answer.status, 200, JSON.stringify(answer.body));
        outcomes.push(...answers.flatMap((answer, server) => (answer.body as { jobs: JobOutcome[] }).jobs.map((o) => ({ ...o, server }))));
      }
      const runs = await db().query<{ program_key: string; job: string; period: string; status: string; counts: Record<string, number> }>(allRuns);
      assert.ok(runs.length >= 8, `the months' jobs ran: ${runs.map((r) => `${r.job} ${r.period}`).join(', ')}`);
      const ranBy = new Map<number, number>();
      for (const run of runs) {
        const label = `${run.program_key} ${run.job} ${run.period}`;
        assert.equal(run.status, 'done', `${label} finished`);
        const mine = outcomes.filter((o) => o.program === run.program_key && o.job === run.job && o.period === run.period);
        const done = mine.filter((o) => o.status === 'done');
        assert.equal(done.length, 1, `${label}: run by exactly one server, got ${JSON.stringify(mine)}`);
        // Expiry and retention cover every program and are scheduled with each: a server may meet them more than once.
        const others = mine.filter((o) => o.status !== 'done');
        assert.ok(others.length > 0 && others.every((o) => o.status === 'already_done'), `${label}: the other server found it done: ${JSON.stringify(others)}`);
        assert.ok(others.some((o) => o.server !== done[0]?.server), `${label}: the other server was due to run it too`);
        assert.equal(run.counts.replayed ?? 0, 0, `${label}: no chunk ran twice (a second run of a chunk finds its grants replayed): ${JSON.stringify(run.counts)}`);
        const server = done[0]?.server ?? -1;
        ranBy.set(server, (ranBy.get(server) ?? 0) + 1);
      }
      for (const month of SCHEDULED_MONTHS) {
        const grant = runs.find((r) => r.job === 'monthly-grant' && r.period === month);
        assert.equal(grant?.counts.created, CONTRACTS, `FL-2 ${month}: one grant per contract`);
        const [row] = await db().query<{ n: number }>(grantsOf, [month]);
        assert.equal(row?.n, CONTRACTS, `FL-2 ${month}: the ledger holds one grant per contract`);
      }
      t.diagnostic(`${runs.length} runs; by server: ${[...ranBy.entries()].map(([s, n]) => `${s === 0 ? 'A' : 'B'} ${n}`).join(', ')}`);
    });

    it('credits every event once when the same batches reach both servers at once', async () => {
      const batches = Array.from({ length: 8 }, (_, k) => partnerBatch(k, 150));
      const sent = batches.flatMap((events) => both().map((s) => ({ events, answer: send(s, 'POST', '/v1/programs/sony-rewards/events', { events }) })));
      const results = new Map<string, EventResult[]>();
      for (const { answer } of sent) {
        const { status, body } = await answer;
        assert.equal(status, 200, JSON.stringify(body));
        for (const result of (body as { results: EventResult[] }).results) results.set(result.id, [...(results.get(result.id) ?? []), result]);
      }
      const want = new Map<string, number>();
      for (const events of batches) {
        for (const event of events) {
          const got = (results.get(event.id) ?? []).map((r) => r.status).sort();
          assert.deepEqual(got, ['applied', 'duplicate'], `${event.id}: applied by one server, a duplicate on the other`);
          const applied = results.get(event.id)?.find((r) => r.status === 'applied');
          const member = 'externalId' in event.member ? event.member.externalId : '';
          want.set(member, (want.get(member) ?? 0) + (applied?.points ?? 0));
          assert.ok((applied?.points ?? 0) > 0, `${event.id} credited points`);
        }
      }
      const [events] = await db().query<{ n: number }>(eventsApplied, ['mp-ev-%']);
      assert.equal(events?.n, batches.flat().length, 'each event recorded once');
      const got = new Map((await db().query<{ external_id: string; points: string }>(balances, ['sony-rewards'])).map((r) => [r.external_id, Number(r.points)]));
      for (const [member, points] of want) assert.equal(got.get(member), points, `${member}: the balance is the sum of its events' points`);
      assert.deepEqual(await verifyLedger(db()), [], 'ledger verify: balances equal postings');
    });
  });

  describe('a server killed in the middle of a monthly grant (C3)', () => {
    it("is finished by the other server's scheduler, from the run's cursor, within seconds", async (t) => {
      const [doomed, survivor] = await Promise.all([start([]), start([])]);
      try {
        const took = await killMidGrant(doomed, '2026-06');
        const run = await finished('2026-06', took.killedAt);
        assert.equal(ownerPid(run.owner), survivor.pid, 'the surviving server took the run over');
        t.diagnostic(`killed after ${took.cursorAfterMs} ms (first chunk committed); finished by the other server ${Math.round(run.afterKillMs)} ms after the kill`);
      } finally {
        await stop(survivor);
      }
    });

    it('is finished by a restarted server when no other is running', async (t) => {
      const doomed = await start([]);
      const took = await killMidGrant(doomed, '2026-07');
      const restarted = await start([]);
      try {
        const run = await finished('2026-07', took.killedAt);
        assert.equal(ownerPid(run.owner), restarted.pid, 'the restarted server resumed the run');
        t.diagnostic(`killed after ${took.cursorAfterMs} ms; finished by the restarted server ${Math.round(run.afterKillMs)} ms after the kill (its start-up included)`);
      } finally {
        await stop(restarted);
      }
    });

    it('proves the ledger, and the grants of the killed months equal an uninterrupted run', async () => {
      for (const month of ['2026-06', '2026-07']) {
        const [row] = await db().query<{ n: number }>(grantsOf, [month]);
        assert.equal(row?.n, CONTRACTS, `FL-2 ${month}: one grant per contract, none lost or doubled by the kill`);
      }
      assert.deepEqual(await verifyLedger(db()), []);
    });
  });

  /** Starts a month's grant on `server`, and SIGKILLs it once the run's first chunk has committed. */
  async function killMidGrant(server: ServerProcess, month: string): Promise<{ killedAt: number; cursorAfterMs: number }> {
    const sentAt = performance.now();
    const call = send(server, 'POST', '/v1/programs/flets-club/jobs/monthly-grant/runs', { month }).catch(() => undefined);
    for (;;) {
      const [run] = await db().query<{ status: string; cursor: string | null }>(runOf, ['flets-club', 'monthly-grant', month]);
      assert.notEqual(run?.status, 'done', `the ${month} grant finished before a kill could land: make CONTRACTS larger`);
      if (run?.cursor) break;
      assert.ok(performance.now() - sentAt < CONVERGE_MS, `the ${month} grant committed no chunk within ${CONVERGE_MS} ms`);
      await sleep(20);
    }
    const cursorAfterMs = Math.round(performance.now() - sentAt);
    await server.kill();
    servers.delete(server);
    const killedAt = performance.now();
    assert.equal(await call, undefined, 'the killed server never answered');
    return { killedAt, cursorAfterMs };
  }

  /** Waits (at most CONVERGE_MS after the kill) until the month's grant is done, and checks it did everything once. */
  async function finished(month: string, killedAt: number): Promise<{ owner: string; afterKillMs: number }> {
    for (;;) {
      const [run] = await db().query<{ status: string; owner: string; counts: Record<string, number> }>(runOf, ['flets-club', 'monthly-grant', month]);
      if (run?.status === 'done') {
        assert.equal(run.counts.created, CONTRACTS, `FL-2 ${month}: the resumed run counts every contract's grant once: ${JSON.stringify(run.counts)}`);
        assert.equal(run.counts.replayed ?? 0, 0, `FL-2 ${month}: no chunk ran twice`);
        return { owner: run.owner, afterKillMs: performance.now() - killedAt };
      }
      assert.ok(performance.now() - killedAt < CONVERGE_MS, `C3: the ${month} grant a killed server left is still ${run?.status} ${CONVERGE_MS} ms after the kill`);
      await sleep(100);
    }
  }
});

/** SR-7 partner points for the Sony members, ids `mp-ev-<k>-<i>`. */
function partnerBatch(k: number, size: number): EventEnvelope[] {
  return Array.from({ length: size }, (_, i) => ({
    id: `mp-ev-${k}-${i}`,
    type: 'partner.earned',
    member: { externalId: `mp-sr-${(k * 31 + i * 7) % SONY_MEMBERS}` },
    occurredAt: '2026-04-10T10:00:00+09:00',
    data: { partner: i % 2 === 0 ? 'sony-card' : 'playstation-network', points: 10 + ((k * 13 + i * 29) % 490), reference: `ref-${k}-${i}` },
  }));
}

function ownerPid(owner: string): number {
  return Number(owner.split('-')[0]);
}

async function send(server: ServerProcess, method: string, path: string, body: unknown): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(600_000),
  });
  return { status: response.status, body: JSON.parse(await response.text()) as unknown };
}
