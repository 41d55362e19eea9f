import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Temporal } from 'temporal-polyfill';
import { statement, type Db, type Queryable, type Statement } from '../../src/db/index.js';
import { grantFor } from '../../src/earning/monthly-grant.js';
import type { JobContext } from '../../src/jobs/chunked.js';
import { runMonthlyGrant } from '../../src/jobs/monthly-grant.js';
import { applyOperations, type LedgerOp } from '../../src/ledger/index.js';
import { requestHash } from '../../src/ledger/operations.js';
import { contractsInForcePage } from '../../src/members/index.js';
import { billingMonthStart, expiresAtFor, loadProgramFile, syncPrograms, type Program } from '../../src/programs/index.js';
import { walBytes, walMeter } from '../backend.js';
import type { BenchContext, WorkloadResult } from '../context.js';
import { perSecond, round, summarize, timed } from '../measure.js';
import { daysAfter, seedContractMembers, ulidTimePrefix } from '../seed.js';

const PROGRAM_FILE = fileURLToPath(new URL('../../examples/programs/flets-club/program.yaml', import.meta.url));
const CONTRACT_TYPE = 'flets-hikari';
/** FL-9: what FL-2 grants a flets-hikari contract a month. */
const POINTS = 500;
/** runMonthlyGrant's page size (src/jobs/monthly-grant.ts), for the profile's copy of one chunk. */
const PAGE = 5_000;

const outcome = statement('bench.w7.outcome', `
  select count(*)::int as members,
         count(*) filter (where a.available = $2)::int as exact,
         (select count(*)::int from ledger_journal j join ledger_accounts g on g.member_id = j.member_id
          where g.program_key = $1 and j.kind = 'grant') as grants,
         (select count(distinct j.member_id)::int from ledger_journal j join ledger_accounts g on g.member_id = j.member_id
          where g.program_key = $1 and j.kind = 'grant') as granted_members
  from ledger_accounts a where a.program_key = $1`);

const functionStats = statement('bench.w7.functionStats', `
  select funcname as name, calls::int as calls, total_time::float8 as total_ms, self_time::float8 as self_ms
  from pg_stat_xact_user_functions order by self_time desc`);

/** Per chunk (one transaction of runChunked): where its time went, as the client saw it. */
interface ChunkTiming {
  txMs: number;
  bodyMs: number;
  pageMs: number;
  pageRows: number;
  applyMs: number;
  otherSqlMs: number;
}

/**
 * The same database, with every statement of every transaction timed by name. runMonthlyGrant runs
 * unmodified on it; the wrapper costs a few clock reads per statement (three statements per chunk
 * of 5,000 grants).
 */
function instrumented(db: Db): { db: Db; chunks: ChunkTiming[]; outsideMs: () => number } {
  const chunks: ChunkTiming[] = [];
  let outside = 0;
  const wrapped: Db = {
    kind: db.kind,
    async query<Row = Record<string, unknown>>(stmt: Statement, values?: readonly unknown[]): Promise<Row[]> {
      const started = performance.now();
      try {
        return await db.query<Row>(stmt, values);
      } finally {
        outside += performance.now() - started;
      }
    },
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const timing: ChunkTiming = { txMs: 0, bodyMs: 0, pageMs: 0, pageRows: 0, applyMs: 0, otherSqlMs: 0 };
      const started = performance.now();
      const result = await db.transaction(async (tx) => {
        const bodyStarted = performance.now();
        const scoped: Queryable = {
          async query<Row = Record<string, unknown>>(stmt: Statement, values?: readonly unknown[]): Promise<Row[]> {
            const at = performance.now();
            const rows = await tx.query<Row>(stmt, values);
            const ms = performance.now() - at;
            if (stmt.name === 'members.contractsInForcePage') {
              timing.pageMs += ms;
              timing.pageRows += rows.length;
            } else if (stmt.name === 'ledger.apply') timing.applyMs += ms;
            else timing.otherSqlMs += ms;
            return rows;
          },
          exec: (sql) => tx.exec(sql),
        };
        const value = await fn(scoped);
        timing.bodyMs = performance.now() - bodyStarted;
        return value;
      });
      timing.txMs = performance.now() - started;
      chunks.push(timing);
      return result;
    },
  };
  return { db: wrapped, chunks, outsideMs: () => outside };
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/**
 * W7: FL-2's monthly grant to every eligible member. Seeds `w7Members` flets-club members with
 * set-based SQL (directory, member, open membership, empty account, one active flets-hikari contract
 * with the commitment discount, in service), then times `runMonthlyGrant` for the current month,
 * then a re-run of that month, which must answer `already_done`. Each member must end with exactly
 * 500 points from one grant. The first run goes through a wrapper that times each chunk's page query
 * and `ledger_apply` call; after both runs one more chunk (the previous month, rolled back) is run
 * with `track_functions` on, to split the time inside `ledger_apply` by plpgsql function, and the
 * Node work before the call (grantFor, requestHash, JSON) timed apart.
 */
export async function grantMonthly(ctx: BenchContext): Promise<WorkloadResult> {
  const { db, sizes } = ctx;
  const now = Temporal.Now.instant();
  const program = loadProgramFile(PROGRAM_FILE);
  await syncPrograms(db, [program], now);
  const month = now.toZonedDateTimeISO(program.timeZone).toPlainDate().toPlainYearMonth();
  const grantAt = billingMonthStart(program, month.toString());
  // Enrolled, account opened and contract started about 13 months before the grant.
  const since = daysAfter(grantAt, -400);
  const seeded = await timed(() =>
    seedContractMembers(db, {
      program: program.key,
      idPrefix: ulidTimePrefix(since),
      externalPrefix: `w7-${ctx.runId}-`,
      count: sizes.w7Members,
      since,
      contractType: CONTRACT_TYPE,
    }),
  );
  await ctx.settle();

  const jobCtx: JobContext = { now, actor: 'job:bench-w7' };
  const probe = instrumented(db);
  const wal = walMeter(db);
  await wal.start();
  const cpu = process.cpuUsage();
  const first = await timed(() => runMonthlyGrant(probe.db, program, month.toString(), jobCtx));
  const cpuUsed = process.cpuUsage(cpu);
  const created = first.value.counts.created ?? 0;
  const walBytesPerGrant = await wal.perUnit(created);

  const rerun = await timed(() => runMonthlyGrant(db, program, month.toString(), jobCtx));
  const [state] = await db.query<{ members: number; exact: number; grants: number; granted_members: number }>(outcome, [
    program.key,
    POINTS,
  ]);

  // Chunks with contracts; the last transaction finds an empty page and ends the run.
  const chunks = probe.chunks.filter((c) => c.pageRows > 0);
  const tail = probe.chunks.filter((c) => c.pageRows === 0);
  const perChunk = (pick: (c: ChunkTiming) => number) => round(sum(chunks.map(pick)) / Math.max(1, chunks.length));
  const share = (ms: number) => `${Math.round((100 * ms) / Math.max(1, first.elapsedMs))} %`;
  const pageMs = sum(chunks.map((c) => c.pageMs));
  const applyMs = sum(chunks.map((c) => c.applyMs));
  const nodeMs = sum(chunks.map((c) => c.bodyMs - c.pageMs - c.applyMs - c.otherSqlMs));
  const advanceMs = sum(chunks.map((c) => c.otherSqlMs));
  const txOverheadMs = sum(chunks.map((c) => c.txMs - c.bodyMs));
  // Claiming and finishing the run, and the last transaction, which finds no contracts left.
  const restMs = probe.outsideMs() + sum(tail.map((c) => c.txMs));

  const profile = await profileChunk(db, program, month.subtract({ months: 1 }).toString(), jobCtx);

  const { contracts = 0, not_eligible: notEligible = 0, created: _created = 0, ...others } = first.value.counts;
  const members = sizes.w7Members;
  return {
    id: 'W7',
    title: `monthly grant (FL-2) via runMonthlyGrant, ${PAGE.toLocaleString('en')} contracts per chunk`,
    rate: perSecond(created, first.elapsedMs),
    unit: 'members/s',
    count: created,
    elapsedMs: first.elapsedMs,
    rerunMs: rerun.elapsedMs,
    latencyMs: summarize(Float64Array.from(chunks.map((c) => c.txMs))),
    latencyOf: 'chunk',
    faults: {
      membersNot500: (state?.members ?? 0) - (state?.exact ?? 0) + Math.abs(members - (state?.members ?? 0)),
      grantRowsOff: Math.abs(members - (state?.grants ?? 0)) + Math.abs(members - (state?.granted_members ?? 0)),
      contractsMissed: Math.abs(members - contracts),
      unexpectedStatus: notEligible + sum(Object.values(others)),
      rerunNotAlreadyDone: rerun.value.status === 'already_done' ? 0 : 1,
      firstRunNotDone: first.value.status === 'done' ? 0 : 1,
    },
    details: {
      seededMembers: members,
      seedMs: Math.round(seeded.elapsedMs),
      seedMembersPerSecond: Math.round(perSecond(members, seeded.elapsedMs)),
      month: month.toString(),
      chunks: chunks.length,
      msPerChunk: perChunk((c) => c.txMs),
      pageQueryMsPerChunk: perChunk((c) => c.pageMs),
      // A keyset page should cost the same at any cursor; growth across the run shows it does not.
      pageQueryMsFirstChunk: round(chunks[0]?.pageMs ?? 0),
      pageQueryMsMaxChunk: round(Math.max(0, ...chunks.map((c) => c.pageMs))),
      ledgerApplyMsPerChunk: perChunk((c) => c.applyMs),
      advanceMsPerChunk: perChunk((c) => c.otherSqlMs),
      nodeMsPerChunk: perChunk((c) => c.bodyMs - c.pageMs - c.applyMs - c.otherSqlMs),
      beginCommitMsPerChunk: perChunk((c) => c.txMs - c.bodyMs),
      'share.pageQuery': share(pageMs),
      'share.ledgerApply': share(applyMs),
      'share.node': share(nodeMs),
      'share.advance': share(advanceMs),
      'share.beginCommit': share(txOverheadMs),
      'share.claimFinishLastPage': share(restMs),
      usPerGrantInApply: round((applyMs * 1000) / Math.max(1, created)),
      walBytesPerGrant,
      processCpuUsPerGrant: Math.round((cpuUsed.user + cpuUsed.system) / Math.max(1, created)),
      rerunMs: round(rerun.elapsedMs),
      rerunStatus: rerun.value.status,
      ...profile,
    },
  };
}

class Rollback extends Error {}

/**
 * One chunk as runMonthlyGrant makes it (a copy of its loop body), for `profileMonth`, in a
 * transaction that is rolled back, with `track_functions = 'all'`: the time inside ledger_apply by
 * function, per grant (self time, so the figures add up). On the members just granted the month
 * before's bucket is usually the same fiscal year's, so the lot is an upsert onto an existing bucket
 * where the first run inserted one. Skipped (empty) where the setting is not allowed.
 */
async function profileChunk(db: Db, program: Program, profileMonth: string, ctx: JobContext): Promise<Record<string, number | string>> {
  const grantAt = billingMonthStart(program, profileMonth);
  const expiresAt = expiresAtFor(program, grantAt);
  let found: Record<string, number | string> = {};
  try {
    await db.transaction(async (tx) => {
      await tx.exec(`set local track_functions = 'all'`);
      const page = await timed(() => contractsInForcePage(tx, program.key, grantAt, undefined, PAGE));
      const built = await timed(async () => {
        const ops: LedgerOp[] = [];
        for (const { memberId: member, contract } of page.value) {
          const decision = grantFor(program, contract, { id: member }, profileMonth);
          if (!('points' in decision)) continue;
          ops.push({
            op: 'credit',
            member,
            key: `grant:${decision.rule}:${profileMonth}:${contract.id}`,
            kind: 'grant',
            points: decision.points,
            counter: 'program:grant',
            reason: `FL-2: monthly points for ${contract.type}, ${profileMonth}`,
            occurredAt: grantAt,
            actor: ctx.actor,
            metadata: { rule: decision.rule, month: profileMonth, contractId: contract.id },
            ...(expiresAt ? { expiresAt } : {}),
          });
        }
        return ops;
      });
      const ops = built.value;
      // What applyOperations does in Node before its one query, timed apart (the result is unused).
      const hashed = await timed(async () => ops.map((op) => ({ ...op, hash: requestHash(op) })));
      const json = await timed(async () => JSON.stringify(hashed.value));
      const walBefore = await walBytes(tx);
      const applied = await timed(() => applyOperations(tx, ops, ctx.now));
      const walAfter = await walBytes(tx);
      const stats = await tx.query<{ name: string; calls: number; total_ms: number; self_ms: number }>(functionStats);
      const n = Math.max(1, ops.length);
      const us = (ms: number) => round((ms * 1000) / n);
      const tracked = sum(stats.map((s) => s.self_ms));
      found = {
        'profile.month': profileMonth,
        'profile.grants': ops.length,
        'profile.pageQueryMs': round(page.elapsedMs),
        'profile.nodeGrantForUsPerGrant': us(built.elapsedMs),
        'profile.nodeRequestHashUsPerGrant': us(hashed.elapsedMs),
        'profile.nodeStringifyUsPerGrant': us(json.elapsedMs),
        'profile.payloadBytesPerGrant': Math.round(json.value.length / n),
        'profile.applyUsPerGrant': us(applied.elapsedMs),
        'profile.walBytesPerGrant': Math.round((walAfter - walBefore) / n),
        ...Object.fromEntries(stats.map((s) => [`profile.selfUs.${s.name}`, us(s.self_ms)])),
        // The rest of the call: hashing and serializing in Node, transfer, jsonb in and out, untracked SQL functions.
        'profile.selfUs.untracked': us(applied.elapsedMs - tracked),
      };
      throw new Rollback();
    });
  } catch (error) {
    if (error instanceof Rollback) return found;
    if ((error as { code?: unknown }).code === '42501') return { 'profile.skipped': 'track_functions needs superuser' };
    throw error;
  }
  return found;
}
