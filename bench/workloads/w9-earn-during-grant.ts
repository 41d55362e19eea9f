import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Temporal } from 'temporal-polyfill';
import { statement } from '../../src/db/index.js';
import type { JobContext } from '../../src/jobs/chunked.js';
import { runMonthlyGrant } from '../../src/jobs/monthly-grant.js';
import { applyOperations, type CreditOp } from '../../src/ledger/index.js';
import { billingMonthStart, loadProgramFile, syncPrograms, type Program } from '../../src/programs/index.js';
import type { BenchContext, WorkloadResult } from '../context.js';
import { cpuPerUnit, perSecond, round, runConcurrent, runPaced, summarize, timed } from '../measure.js';
import { memberPicker } from '../random.js';
import { daysAfter, earnExpiries, memberId, seedContractMembers, ulidTimePrefix } from '../seed.js';
import { faultsFrom, outcomeDetails } from './outcomes.js';

const PROGRAM_FILE = fileURLToPath(new URL('../../examples/programs/flets-club/program.yaml', import.meta.url));
const CONTRACT_TYPE = 'flets-hikari';
/** FL-9: what FL-2 grants a flets-hikari contract a month. */
const POINTS = 500;

const granted = statement('bench.w9.granted', `
  select count(*)::int as members, count(*) filter (where available = $2)::int as exact
  from ledger_accounts where program_key = $1`);

/**
 * W9: online earns while the monthly grant runs. Earns (W1's credit to a seeded member, one
 * `ledger_apply` each) arrive at a fixed rate, `w9Rate` a second, in an open loop: first
 * `w9IdleOps` of them with nothing else running (the idle p99), then for as long as
 * `runMonthlyGrant` takes to grant `w9Members` FL-2 members their month (W7's job, unmodified).
 * Latency counts from when an earn was due, so time spent waiting for a connection or behind a
 * grant chunk is in it. The grant runs for a program of its own (flets-club under another key),
 * so it grants exactly W9's members whether or not W7 ran; each must end with 500 points.
 */
export async function earnDuringGrant(ctx: BenchContext): Promise<WorkloadResult> {
  const { db, sizes, runId } = ctx;
  const now = Temporal.Now.instant();
  const flets = loadProgramFile(PROGRAM_FILE);
  const program: Program = { ...flets, key: `${flets.key}-w9` };
  await syncPrograms(db, [program], now);
  const month = now.toZonedDateTimeISO(program.timeZone).toPlainDate().toPlainYearMonth().toString();
  // A day before W7's members joined, so the two groups' ids (which start with that instant) differ.
  const since = daysAfter(billingMonthStart(program, month), -401);
  const seeded = await timed(() =>
    seedContractMembers(db, {
      program: program.key,
      idPrefix: ulidTimePrefix(since),
      externalPrefix: `w9-${runId}-`,
      count: sizes.w9Members,
      since,
      contractType: CONTRACT_TYPE,
    }),
  );
  await ctx.settle();

  const expiries = earnExpiries(now);
  const pick = memberPicker(sizes.members, sizes.zipf, 9);
  const earn = (phase: string) => async (i: number) => {
    const op: CreditOp = {
      op: 'credit',
      member: memberId('bg', pick()),
      key: `w9:${runId}:${phase}:${i}`,
      kind: 'earn',
      points: 10 + (i % 90),
      expiresAt: expiries[i % expiries.length],
      actor: 'upstream:bench',
    };
    const [result] = await applyOperations(db, [op], Temporal.Now.instant());
    return result?.status ?? 'missing';
  };

  // Connections opened and statements prepared before anything is timed.
  await runConcurrent(sizes.concurrency, sizes.concurrency * 4, earn('warm'));
  const idle = await runPaced(sizes.w9Rate, earn('idle'), { count: sizes.w9IdleOps });
  const jobCtx: JobContext = { now, actor: 'job:bench-w9' };
  const loopGap = eventLoopGapMeter();
  const grant = timed(() => runMonthlyGrant(db, program, month, jobCtx));
  const loaded = await runPaced(sizes.w9Rate, earn('grant'), { until: grant });
  const grantRun = await grant;
  const eventLoopBlockedMaxMs = loopGap.stop();
  const [state] = await db.query<{ members: number; exact: number }>(granted, [program.key, POINTS]);

  const sent = [...loaded.outcomes.values()].reduce((sum, n) => sum + n, 0);
  const idleLatency = summarize(idle.latenciesMs);
  const merged = new Map(idle.outcomes);
  for (const [label, n] of loaded.outcomes) merged.set(label, (merged.get(label) ?? 0) + n);
  return {
    id: 'W9',
    title: `online earn at ${sizes.w9Rate}/s (open loop) while runMonthlyGrant grants ${sizes.w9Members.toLocaleString('en')} members`,
    rate: perSecond(sent, loaded.elapsedMs),
    unit: 'ops/s',
    count: sent,
    elapsedMs: loaded.elapsedMs,
    latencyMs: summarize(loaded.latenciesMs),
    latencyOf: 'earn, from when due',
    referenceP99Ms: { label: 'idle p99 ms', p99: idleLatency.p99 },
    faults: {
      ...faultsFrom(merged, ['created']),
      membersNot500: (state?.members ?? 0) - (state?.exact ?? 0) + Math.abs(sizes.w9Members - (state?.members ?? 0)),
      grantNotDone: grantRun.value.status === 'done' ? 0 : 1,
    },
    details: {
      ...outcomeDetails(merged),
      idleP50Ms: round(idleLatency.p50),
      idleP99Ms: round(idleLatency.p99),
      idleEarns: sizes.w9IdleOps,
      earnsDuringGrant: sent,
      grantMs: Math.round(grantRun.elapsedMs),
      grantMembersPerSecond: Math.round(perSecond(grantRun.value.counts.created ?? 0, grantRun.elapsedMs)),
      eventLoopBlockedMaxMs: round(eventLoopBlockedMaxMs),
      processCpuUsPerEarn: cpuPerUnit(loaded, sent),
      seedMs: Math.round(seeded.elapsedMs),
    },
  };
}

/**
 * The longest time this thread ran nothing else (no timer, no socket, no request): a 5 ms interval
 * timer's largest gap. PGlite runs each statement on this thread, and a chain of statements that
 * resolve without I/O never lets the event loop turn.
 */
function eventLoopGapMeter(): { stop(): number } {
  let last = performance.now();
  let max = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, performance.now() - last);
    },
  };
}
