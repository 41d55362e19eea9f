import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { migrate, openDb, statement, type Db } from '../../src/db/index.js';
import type { EventResult } from '../../src/earning/events/apply.js';
import { LEASE_MS } from '../../src/jobs/runs.js';
import { verifyLedger } from '../../src/ledger/index.js';
import { publishedDraw, verifyDraw } from '../../src/sweepstakes/index.js';
import { seededRandom } from '../support/ledger-fixtures.js';
import { spawnPointbook, startServer, type ChildEnv, type PointbookProcess, type ServerProcess } from '../support/server-process.js';
import {
  CLOCK,
  copyDatabase,
  difference,
  drawPeriods,
  dropDatabase,
  eventBatches,
  expected,
  expiryInstants,
  fingerprint,
  grantMonths,
  seedWorkload,
  SWEEPSTAKES,
  writeImportFiles,
  type EventBatch,
  type ImportFile,
} from './crash-workload.js';

/**
 * C1 (RELIABILITY.md): SIGKILL the real server, or the importer, at random moments during event
 * batches, NDJSON imports, the monthly grant, expiry and sweepstakes draws; start it again and send
 * the same thing (same event ids, job period, draw period) until it is answered. The same units, run
 * uninterrupted on a copy of the seeded database, give what the crashed database must equal row
 * for row. docs/decisions.md 56.
 *
 * POINTBOOK_CRASH_SEED reproduces the kill moments; POINTBOOK_CRASH_KILLS (default 50: 10 per
 * operation) scales the run, e.g. 500 for a nightly one.
 */

const serverUrl = process.env.DATABASE_URL;
const seed = Number(process.env.POINTBOOK_CRASH_SEED ?? randomInt(2 ** 31));
// In this order: the grants first, so June's cancellations forfeit points (FL-10) and expiry finds the rest.
const operations = ['monthly grant', 'event batch', 'import', 'expiry', 'draw'] as const;
type Operation = (typeof operations)[number];
const killsPerOperation = Math.ceil(Number(process.env.POINTBOOK_CRASH_KILLS ?? 50) / operations.length);
const TOKEN = 'crash-operator-token';
const IMPORTER = 'pointbook-crash-import';
const context = `(POINTBOOK_CRASH_SEED=${seed})`;
// Before anything can hang: the seed that reproduces this run's kill moments.
process.stderr.write(`C1 crash suite: POINTBOOK_CRASH_SEED=${seed}, ${killsPerOperation} kills per operation\n`);

/**
 * What a rerun costs for work already done, as a share of doing it: a job resumes after its last
 * committed chunk; an import reads its file again and finds the applied events duplicates. Event
 * batches and draws are one transaction: all or nothing.
 */
const redoCost: Record<Operation, number> = { 'monthly grant': 0.05, expiry: 0.05, import: 0.4, 'event batch': 1, draw: 1 };

type Answer = { status: number; body: unknown };

interface Unit {
  label: string;
  /** How much of the unit the database holds already, 0–1. */
  progress(site: Site): Promise<number>;
}

interface HttpUnit extends Unit {
  path: string;
  body: unknown;
  /** done, or again (a job's lease is held); throws on an answer no crash may cause. */
  settle(answer: Answer): 'done' | 'again';
  /** Throws unless a resend of the finished unit changed nothing. */
  unchanged(answer: Answer): void;
}

interface ImportUnit extends Unit {
  file: string;
}

/** Attempts to kill (`false`: the uninterrupted reference, timed); `early`: kill in the first half of what is left. */
type Budget = false | { kills: number; early: boolean };

interface Tally {
  /** Kills that landed before the answer came (or before the importer exited). */
  kills: number;
  /** Attempts answered before their kill moment came: no kill. */
  answered: number;
  /** Attempts that found part of their unit done by a killed one (a job's committed chunks, an import's batches). */
  resumed: number;
  /** Units whose work a killed attempt had committed before anyone heard: the resend found it done. */
  committedUnheard: number;
  /** Reruns answered running_elsewhere while a killed server's lease ran out (src/jobs/runs.ts: 10 s). */
  leaseWaits: number;
}

/** One database and the processes that serve it. */
interface Site {
  name: string;
  url: string;
  db: Db;
  server: ServerProcess | undefined;
  /** A running `pointbook import`, stopped with the server if a test fails. */
  importer: PointbookProcess | undefined;
  starts: number;
}

describe(`C1 crash safety: SIGKILL the server and the importer, then resend [postgres] (seed ${seed})`, { skip: serverUrl ? false : 'PostgreSQL only: set DATABASE_URL' }, () => {
  const random = seededRandom(seed);
  const dir = mkdtempSync(join(tmpdir(), 'pointbook-crash-'));
  const crashName = `pointbook_crash_${randomBytes(4).toString('hex')}`;
  const referenceName = `${crashName}_ref`;
  const sites = new Map<'crash' | 'reference', Site>();
  const batches = eventBatches();
  const files = writeImportFiles(dir);
  const tallies = new Map(operations.map((op): [Operation, Tally] => [op, { kills: 0, answered: 0, resumed: 0, committedUnheard: 0, leaseWaits: 0 }]));
  /** How long each unit took uninterrupted (ms): its kill moments are drawn from within that. */
  const referenceMs = new Map<string, number>();
  const referenceAnswers = new Map<string, Answer>();
  const referenceImports = new Map<string, { applied: number; duplicate: number; rejected: number }>();
  const started = performance.now();
  let seededMs = 0;

  const site = (name: 'crash' | 'reference'): Site => {
    const found = sites.get(name);
    assert.ok(found, `the ${name} database is open`);
    return found;
  };
  const tally = (op: Operation): Tally => {
    const found = tallies.get(op);
    assert.ok(found);
    return found;
  };

  before(async () => {
    assert.ok(serverUrl);
    const crashUrl = await createDatabase(serverUrl, crashName);
    const db = await openDb({ databaseUrl: crashUrl, poolSize: 8 });
    await migrate(db);
    await seedWorkload(db);
    await db.close();
    seededMs = performance.now() - started;
    const referenceUrl = await copyDatabase(serverUrl, crashName, referenceName);
    for (const [name, url] of [['crash', crashUrl], ['reference', referenceUrl]] as const) {
      sites.set(name, { name, url, db: await openDb({ databaseUrl: url, poolSize: 4 }), server: undefined, importer: undefined, starts: 0 });
    }
  });

  after(async () => {
    for (const s of sites.values()) {
      await s.server?.stop();
      await s.importer?.kill();
      await s.db.close();
    }
    if (serverUrl) {
      await dropDatabase(serverUrl, referenceName);
      await dropDatabase(serverUrl, crashName);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  for (const op of operations) {
    it(`${op}: killed at random moments at least ${killsPerOperation} times, resent until done`, async (t) => {
      const [crash, reference] = [site('crash'), site('reference')];
      // Each unit runs uninterrupted on the copy first, so its kill moments follow the machine's load now.
      if (op === 'import') {
        for (const [index, file] of files.entries()) {
          const unit = importUnit(file);
          await runImport(reference, unit, false);
          await runImport(crash, unit, budget(op, index, files.length));
        }
      } else {
        const units = httpUnits(op);
        for (const [index, unit] of units.entries()) {
          await runHttp(reference, op, unit, false);
          await runHttp(crash, op, unit, budget(op, index, units.length));
          // As a client that never heard the answer would: the same request once more changes nothing.
          unit.unchanged(await send(await serverOf(crash), unit));
        }
      }
      const { kills, resumed, committedUnheard, answered, leaseWaits } = tally(op);
      const took = [...referenceMs.entries()].filter(([label]) => unitsOf(op).includes(label)).map(([label, ms]) => `${label} ${Math.round(ms)} ms`);
      t.diagnostic(
        `${op}: ${kills} kills; ${resumed} attempts resumed a unit a kill left part done; ${committedUnheard} units done by a killed attempt; ` +
          `${answered} attempts answered before their kill moment; ${leaseWaits} reruns waited out a dead server's lease; uninterrupted: ${took.join(', ')}`,
      );
      assert.ok(kills >= killsPerOperation, `${op}: ${kills} kills landed during the operation, wanted ${killsPerOperation} ${context}`);
    });
  }

  it('ends with the postings, balances, lots, events, job runs and draws of the uninterrupted run', async () => {
    for (const s of sites.values()) {
      await s.server?.stop();
      s.server = undefined;
    }
    const [want, got] = await Promise.all([fingerprint(site('reference').db), fingerprint(site('crash').db)]);
    for (const section of Object.keys(want) as (keyof typeof want)[]) {
      const { lost, extra } = difference(want[section], got[section]);
      assert.deepEqual(
        { lost: lost.slice(0, 5), extra: extra.slice(0, 5) },
        { lost: [], extra: [] },
        `${section}: ${lost.length} rows of the uninterrupted run are missing after the crashes, ${extra.length} rows are extra ${context}`,
      );
    }
  });

  it('proves the ledger on both databases, and the grants, forfeits and expiries the rules call for', async () => {
    for (const s of sites.values()) assert.deepEqual(await verifyLedger(s.db), [], `ledger verify on the ${s.name} database ${context}`);
    const db = site('crash').db;
    const count = async (name: keyof typeof counts) => Number((await db.query<{ n: string }>(counts[name]))[0]?.n);
    assert.equal(await count('grants'), expected.grantsPerMonth() * grantMonths.length, `FL-2: one grant per eligible contract and month ${context}`);
    assert.equal(await count('forfeits'), expected.cancelledWithPoints(), `FL-10: one forfeit per cancelled contract with points ${context}`);
    assert.equal(await count('fletsPointsLeft'), 0, `FL-8: every grant lot expired or forfeited ${context}`);
    assert.ok((await count('expiries')) > 0, 'the expiry job expired lots');
  });

  it('has drawn each period once, and each draw verifies from its seed', async () => {
    const db = site('crash').db;
    for (const period of drawPeriods) {
      const rows = await db.query<{ id: string }>(drawsOf, [SWEEPSTAKES, period]);
      assert.equal(rows.length, 1, `${period} is drawn once ${context}`);
      const published = await publishedDraw(db, rows[0]?.id ?? '');
      assert.ok(published);
      assert.deepEqual(await verifyDraw(published), { ok: true, problems: [] }, `the draw of ${period} verifies ${context}`);
      assert.ok(published.report.tiers.some((tier) => tier.winners.length > 0), `the draw of ${period} has a winner`);
    }
  });

  it('reports the run', (t) => {
    const kills = operations.map((op) => `${op} ${tally(op).kills}`).join(', ');
    t.diagnostic(`seed ${seed}: ${kills} kills; ${site('crash').starts} server starts; ${Math.round((performance.now() - started) / 1000)} s in all, ${Math.round(seededMs / 1000)} s of it seeding`);
  });

  /**
   * This operation's kills for unit `index` of `count`: what is left, spread over the units left.
   * The last unit takes all that is left, killed in the first half of what remains of it, so it
   * is not finished (and out of kills) before the operation has its count.
   */
  function budget(op: Operation, index: number, count: number): Budget {
    const left = Math.max(0, killsPerOperation - tally(op).kills);
    const last = index === count - 1;
    return { kills: last ? left : Math.ceil(left / (count - index)), early: last };
  }

  function unitsOf(op: Operation): string[] {
    return op === 'import' ? files.map((f) => importUnit(f).label) : httpUnits(op).map((u) => u.label);
  }

  function httpUnits(op: Exclude<Operation, 'import'>): HttpUnit[] {
    if (op === 'event batch') return batches.map((batch, index) => eventUnit(batch, index));
    if (op === 'monthly grant') return grantMonths.map((month) => jobUnit('monthly-grant', 'flets-club', month, { month }, 'contracts'));
    if (op === 'expiry') return expiryInstants.map((asOf) => jobUnit('expire', '*', asOf, { asOf }, 'members'));
    return drawPeriods.map((period) => drawUnit(period));
  }

  /** Every event ends applied (now, or as the duplicate of a killed attempt's) or rejected, as uninterrupted. */
  function eventUnit(batch: EventBatch, index: number): HttpUnit {
    const label = `batch ${index + 1} (${batch.program}, ${batch.events.length} events)`;
    const resultsOf = (answer: Answer) => (answer.body as { results: EventResult[] }).results;
    const reference = () => {
      const answer = referenceAnswers.get(label);
      assert.ok(answer, `the reference ran ${label}`);
      return resultsOf(answer);
    };
    return {
      label,
      path: `/v1/programs/${batch.program}/events`,
      body: { events: batch.events },
      async progress(s) {
        const applied = reference().filter((r) => r.status === 'applied').map((r) => r.id);
        const [row] = await s.db.query<{ n: string }>(eventsPresent, [applied]);
        return applied.length === 0 ? 0 : Number(row?.n) / applied.length;
      },
      settle(answer) {
        assert.equal(answer.status, 200, `${label}: ${JSON.stringify(answer.body)}`);
        assert.equal(resultsOf(answer).length, batch.events.length);
        return 'done';
      },
      unchanged(answer) {
        assert.equal(answer.status, 200);
        const again = resultsOf(answer).map((r) => `${r.id} ${r.status === 'rejected' ? `rejected ${r.code}` : r.status}`);
        const want = reference().map((r) => `${r.id} ${r.status === 'rejected' ? `rejected ${r.code}` : 'duplicate'}`);
        assert.deepEqual(again, want, `${label}: a resend after the answer is all duplicates ${context}`);
      },
    };
  }

  function jobUnit(job: 'monthly-grant' | 'expire', runProgram: string, period: string, body: { month?: string; asOf?: string }, counted: string): HttpUnit {
    const label = `${job} ${period}`;
    return {
      label,
      path: `/v1/programs/flets-club/jobs/${job}/runs`,
      body,
      async progress(s) {
        const [run] = await s.db.query<{ status: string; counts: Record<string, number> }>(jobRun, [runProgram, job, period]);
        if (!run) return 0;
        if (run.status === 'done') return 1;
        const total = (referenceAnswers.get(label)?.body as { counts?: Record<string, number> } | undefined)?.counts?.[counted];
        return total ? (run.counts[counted] ?? 0) / total : 0;
      },
      settle(answer) {
        assert.equal(answer.status, 200, `${label}: ${JSON.stringify(answer.body)}`);
        const { status } = answer.body as { status: string };
        assert.ok(['done', 'already_done', 'running_elsewhere'].includes(status), `${label}: ${status}`);
        return status === 'running_elsewhere' ? 'again' : 'done';
      },
      unchanged(answer) {
        assert.equal((answer.body as { status: string }).status, 'already_done', `${label}: a finished period is not run again ${context}`);
      },
    };
  }

  function drawUnit(period: string): HttpUnit {
    const label = `draw ${period}`;
    return {
      label,
      path: `/v1/sweepstakes/${SWEEPSTAKES}/draws`,
      body: { period },
      async progress(s) {
        return (await s.db.query(drawsOf, [SWEEPSTAKES, period])).length;
      },
      settle(answer) {
        // A draw whose answer the kill lost is found drawn, never drawn again (SU-8).
        assert.ok(answer.status === 201 || drawnBefore(answer), `${label}: ${answer.status} ${JSON.stringify(answer.body)}`);
        return 'done';
      },
      unchanged(answer) {
        assert.ok(drawnBefore(answer), `${label}: a period is drawn once ${context}`);
      },
    };
  }

  function importUnit({ file, eventIds }: ImportFile): ImportUnit {
    return {
      label: file.replace(dir, '…'),
      file,
      async progress(s) {
        const applied = referenceImports.get(file)?.applied;
        const [row] = await s.db.query<{ n: string }>(eventsPresent, [eventIds]);
        return applied ? Number(row?.n) / applied : 0;
      },
    };
  }

  /** When to kill the next attempt: never once the work is all there, else at random within what is left of it. */
  async function killMoment(s: Site, op: Operation, unit: Unit, early: boolean): Promise<number | undefined> {
    const done = await unit.progress(s);
    if (done > 0 && done < 1) tally(op).resumed += 1;
    if (done >= 1) return undefined;
    const full = referenceMs.get(unit.label) ?? 1_000;
    return random.int(0, Math.round(full * (1 - done + redoCost[op] * done) * (early ? 0.5 : 1)));
  }

  /**
   * Sends a unit until it is done. With a budget, up to `kills` attempts are SIGKILLed at a moment
   * drawn from the seed; a kill moment after the answer is no kill. Without one (`false`), the
   * attempt is timed and its answer kept for the crash run.
   */
  async function runHttp(s: Site, op: Exclude<Operation, 'import'>, unit: HttpUnit, kills: Budget): Promise<void> {
    const counts = tally(op);
    let killed = 0;
    // Waiting out a killed run's lease is not a try: it is bounded by time, the others by count.
    let leaseWaitStarted: number | undefined;
    let leaseWaits = 0;
    for (let attempt = 1; ; attempt += 1) {
      const waited = leaseWaitStarted === undefined ? 0 : performance.now() - leaseWaitStarted;
      assert.ok(attempt <= (kills ? kills.kills : 0) + 20 + leaseWaits, `${unit.label}: not done after ${attempt - 1} attempts ${context}`);
      assert.ok(waited <= 6 * LEASE_MS, `${unit.label}: a killed run's lease was not taken over within ${Math.round(waited)} ms ${context}`);
      const moment = kills ? await killMoment(s, op, unit, kills.early) : undefined;
      const killAfter = kills && killed < kills.kills ? moment : undefined;
      const server = await serverOf(s);
      const sentAt = performance.now();
      const call = send(server, unit);
      const first = await Promise.race([call, ...(killAfter === undefined ? [] : [sleep(killAfter).then(() => 'kill' as const)])]);
      let answer: Answer;
      if (first === 'kill') {
        await server.kill();
        s.server = undefined;
        const late = await call.catch(() => undefined);
        if (!late) {
          killed += 1;
          counts.kills += 1;
          leaseWaitStarted = undefined;
          continue;
        }
        answer = late;
      } else {
        answer = first;
      }
      if (kills === false) {
        referenceMs.set(unit.label, performance.now() - sentAt);
        referenceAnswers.set(unit.label, answer);
      }
      if (settled(unit, answer, server) === 'again') {
        // A killed server's run is taken over once its lease lapses: no manual step, only waiting.
        counts.leaseWaits += 1;
        leaseWaits += 1;
        leaseWaitStarted ??= performance.now();
        await sleep(1000);
        continue;
      }
      leaseWaitStarted = undefined;
      if (killAfter !== undefined) counts.answered += 1;
      if (kills !== false) finalAnswer(op, unit, answer, killed > 0);
      return;
    }
  }

  /** A unit's final answer against the uninterrupted run's. */
  function finalAnswer(op: Operation, unit: HttpUnit, answer: Answer, afterKill: boolean): void {
    const want = referenceAnswers.get(unit.label);
    assert.ok(want, `the reference ran ${unit.label}`);
    const counts = tally(op);
    if (op === 'event batch') {
      const wanted = (want.body as { results: EventResult[] }).results;
      const got = (answer.body as { results: EventResult[] }).results;
      got.forEach((result, i) => {
        const w = wanted[i];
        assert.ok(w && w.id === result.id, `${unit.label}: one result per event, in order`);
        const same = w.status === 'rejected' ? result.status === 'rejected' && result.code === w.code : result.status === 'applied' || result.status === 'duplicate';
        assert.ok(same, `${unit.label}: event ${w.id} ended ${result.status} ${result.code ?? ''}, uninterrupted ${w.status} ${w.code ?? ''} ${context}`);
        if (result.status === 'applied') assert.equal(result.points, w.points, `${unit.label}: event ${w.id} moved the points it moved uninterrupted ${context}`);
      });
      if (afterKill && wanted.some((r) => r.status === 'applied') && got.every((r) => r.status !== 'applied')) counts.committedUnheard += 1;
    } else if (op === 'draw') {
      if (drawnBefore(answer)) {
        assert.ok(afterKill, `${unit.label}: drawn before, yet never killed ${context}`);
        counts.committedUnheard += 1;
      } else {
        assert.deepEqual(withoutId(answer.body), withoutId(want.body), `${unit.label}: the draw of the uninterrupted run ${context}`);
      }
    } else if (afterKill && (answer.body as { status: string }).status === 'already_done') {
      counts.committedUnheard += 1;
    }
  }

  /**
   * Runs `pointbook import FILE` until it exits 0. With a budget, up to `kills` runs are SIGKILLed
   * at a moment drawn from the seed, counted from when the importer connects to the database (its
   * start-up is not the import).
   */
  async function runImport(s: Site, unit: ImportUnit, kills: Budget): Promise<void> {
    const counts = tally('import');
    let killed = 0;
    for (let attempt = 1; ; attempt += 1) {
      assert.ok(attempt <= (kills ? kills.kills : 0) + 5, `${unit.label}: not imported after ${attempt - 1} attempts ${context}`);
      const moment = kills ? await killMoment(s, 'import', unit, kills.early) : undefined;
      const killAfter = kills && killed < kills.kills ? moment : undefined;
      const importer = spawnPointbook(['import', unit.file, '--program', 'sony-rewards', '--batch', '100'], { ...childEnv(s), PGAPPNAME: IMPORTER });
      s.importer = importer;
      const connected = await connectedOrExited(s, importer);
      const connectedAt = performance.now();
      if (connected && killAfter !== undefined) {
        const exited = await Promise.race([sleep(killAfter).then(() => false), importer.exited.then(() => true)]);
        if (!exited) await importer.kill();
        if ((await importer.exited).signal === 'SIGKILL') {
          killed += 1;
          counts.kills += 1;
          continue;
        }
        counts.answered += 1;
      }
      const { code } = await importer.exited;
      assert.equal(code, 0, `pointbook import ${unit.label}:\n${importer.output()}`);
      const summary = /imported \d+ lines: (\d+) applied, (\d+) duplicate, (\d+) rejected/.exec(importer.output());
      assert.ok(summary, importer.output());
      const got = { applied: Number(summary[1]), duplicate: Number(summary[2]), rejected: Number(summary[3]) };
      if (kills === false) {
        referenceMs.set(unit.label, performance.now() - connectedAt);
        referenceImports.set(unit.file, got);
        return;
      }
      const want = referenceImports.get(unit.file);
      assert.ok(want, `the reference imported ${unit.label}`);
      assert.equal(got.applied + got.duplicate, want.applied + want.duplicate, `${unit.label}: every event applied, now or by a killed run ${context}`);
      assert.equal(got.rejected, want.rejected, `${unit.label}: the same events rejected`);
      if (killed > 0 && got.applied === 0) counts.committedUnheard += 1;
      return;
    }
  }
});

/** The environment of a process serving or importing into `site`'s database. */
function childEnv(site: Site): ChildEnv {
  return {
    DATABASE_URL: site.url,
    POINTBOOK_ADMIN_TOKEN: TOKEN,
    POINTBOOK_LOG_LEVEL: 'warn',
    POINTBOOK_DB_POOL_SIZE: '4',
    POINTBOOK_SMTP_URL: undefined,
    POINTBOOK_GEOIP_DB: undefined,
  };
}

/** The site's live server, started (again) if the last one was killed. */
async function serverOf(site: Site): Promise<ServerProcess> {
  if (site.server) return site.server;
  site.server = await startServer({ args: ['--test-clock', CLOCK], env: childEnv(site) });
  site.starts += 1;
  return site.server;
}

async function send(server: ServerProcess, unit: { path: string; body: unknown }): Promise<Answer> {
  const response = await fetch(`${server.url}${unit.path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(unit.body),
    signal: AbortSignal.timeout(300_000),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as unknown };
}

/** The unit's verdict on an answer; a failure quotes what the server printed (a 500's stack is there). */
function settled(unit: HttpUnit, answer: Answer, server: ServerProcess): 'done' | 'again' {
  try {
    return unit.settle(answer);
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nthe server printed:\n${server.output().slice(-4_000)}`, { cause: error });
  }
}

function drawnBefore(answer: Answer): boolean {
  return answer.status === 409 && (answer.body as { code?: string }).code === 'draw_already_run';
}

function withoutId(body: unknown): unknown {
  const { id: _id, ...rest } = body as { id: string };
  return rest;
}

const eventsPresent = statement('test.crash.eventsPresent', `select count(*) as n from member_events where event_id = any($1::text[])`);
const jobRun = statement('test.crash.jobRun', `select status, counts from job_runs where program_key = $1 and job = $2 and period = $3`);
const drawsOf = statement('test.crash.drawsOf', `select id from sweepstakes_draws where sweepstakes_key = $1 and period = $2`);
const counts = {
  grants: statement('test.crash.grants', `select count(*) as n from ledger_journal where kind = 'grant'`),
  forfeits: statement('test.crash.forfeits', `select count(*) as n from ledger_journal where op = 'forfeit'`),
  fletsPointsLeft: statement('test.crash.fletsPointsLeft', `
    select count(*) as n from ledger_lots l join members m using (member_id) where m.program_key = 'flets-club' and l.remaining <> 0`),
  expiries: statement('test.crash.expiries', `select count(*) as n from ledger_journal where op = 'expire'`),
};

const importerConnections = statement('test.crash.importer', `select count(*) as n from pg_stat_activity where datname = current_database() and application_name = $1`);

/** Waits until the importer has a database connection (true), or has exited (false). */
async function connectedOrExited(site: Site, importer: PointbookProcess): Promise<boolean> {
  let exited = false;
  void importer.exited.then(() => (exited = true));
  for (;;) {
    if (exited) return false;
    const [row] = await site.db.query<{ n: string }>(importerConnections, [IMPORTER]);
    if (Number(row?.n) > 0) return true;
    await sleep(10);
  }
}

async function createDatabase(server: string, name: string): Promise<string> {
  const admin = await openDb({ databaseUrl: server, poolSize: 1 });
  try {
    await admin.exec(`create database ${name}`);
  } finally {
    await admin.close();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

describe('C1 a killed PGlite server (file mode) starts again consistent', () => {
  const data = mkdtempSync(join(tmpdir(), 'pointbook-crash-pglite-'));
  const env: ChildEnv = { DATABASE_URL: undefined, POINTBOOK_DATA_DIR: data, POINTBOOK_ADMIN_TOKEN: TOKEN, POINTBOOK_LOG_LEVEL: 'warn', POINTBOOK_SMTP_URL: undefined, POINTBOOK_GEOIP_DB: undefined };
  const random = seededRandom(seed);
  const members = 20;
  let server: ServerProcess | undefined;
  after(async () => {
    await server?.stop();
    rmSync(data, { recursive: true, force: true });
  });

  /** SR-7: 300 partner credits, 15 for each member. */
  const batch = (b: number) => ({
    path: '/v1/programs/sony-rewards/events',
    body: {
      events: Array.from({ length: 300 }, (_, k) => ({
        id: `pgl-${b}-${k}`,
        type: 'partner.earned',
        member: { externalId: `pgl-${k % members}` },
        occurredAt: '2014-10-10T10:00:00-07:00',
        data: { partner: 'sony-card', points: 1 + ((b * 31 + k * 17) % 200), reference: `pgl-${b}-${k}` },
      })),
    },
  });
  const pointsOf = (b: number, m: number) => batch(b).body.events.filter((e) => e.member.externalId === `pgl-${m}`).reduce((sum, e) => sum + e.data.points, 0);

  it('is killed during event batches, starts again, takes each resend once, and verifies (PGlite does not fsync: decisions 12, 57)', async (t) => {
    const started = performance.now();
    const args = ['--data', data, '--test-clock', CLOCK];
    server = await startServer({ args, env });
    const ids: string[] = [];
    for (let m = 0; m < members; m += 1) {
      const enrolled = await send(server, { path: '/v1/programs/sony-rewards/members', body: { externalId: `pgl-${m}`, joinedAt: '2014-01-01T00:00:00-08:00' } });
      assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body));
      ids.push((enrolled.body as { id: string }).id);
    }
    const sentAt = performance.now();
    assert.equal((await send(server, batch(0))).status, 200);
    const batchMs = performance.now() - sentAt;

    // Kill during the next batches until two kills came before the answer; after each, start again and resend.
    let kills = 0;
    let last = 0;
    for (let b = 1; kills < 2; b += 1) {
      assert.ok(b <= 8, `two kills landed during PGlite batches ${context}`);
      last = b;
      const live: ServerProcess = server;
      const call = send(live, batch(b));
      const first = await Promise.race([call, sleep(random.int(0, Math.round(batchMs))).then(() => 'kill' as const)]);
      if (first !== 'kill') continue;
      await live.kill();
      if ((await call.catch(() => undefined)) === undefined) kills += 1;
      server = await startServer({ args, env });
      const resent = await send(server, batch(b));
      assert.equal(resent.status, 200, JSON.stringify(resent.body));
      const results = (resent.body as { results: EventResult[] }).results;
      assert.ok(results.every((r) => r.status === 'applied' || r.status === 'duplicate'), `the resend of batch ${b} completes ${context}`);
    }

    for (const [m, id] of ids.entries()) {
      const response: Response = await fetch(`${server.url}/v1/members/${id}/balance`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const { available } = (await response.json()) as { available: number };
      let want = 0;
      for (let b = 0; b <= last; b += 1) want += pointsOf(b, m);
      assert.equal(available, want, `member ${m}: every batch credited once ${context}`);
    }
    await server.stop();
    server = undefined;
    const db = await openDb({ dataDir: join(data, 'pglite') });
    try {
      assert.deepEqual(await verifyLedger(db), [], `ledger verify on the PGlite directory after the kill ${context}`);
    } finally {
      await db.close();
    }
    t.diagnostic(`PGlite: ${kills} kills during ${last} batches, started again and verified in ${Math.round((performance.now() - started) / 1000)} s`);
  });
});
