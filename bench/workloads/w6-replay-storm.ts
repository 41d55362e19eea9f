import { Temporal } from 'temporal-polyfill';
import { statement } from '../../src/db/index.js';
import { applyOperations, type CreditOp, type LedgerResult } from '../../src/ledger/index.js';
import type { BenchContext, WorkloadResult } from '../context.js';
import { cpuPerUnit, perSecond, runConcurrent, summarize } from '../measure.js';
import { earnExpiries, memberId, seedCreditedMembers } from '../seed.js';
import { faultsFrom, outcomeDetails } from './outcomes.js';

/** Events per member: a member's events queue on its lock now and then, as a real upstream's do. */
const EVENTS_PER_MEMBER = 4;
const SEEDED_POINTS = 100;
/** How often a sender retries an event whose first copy is still being written (`idempotency_key_in_flight`). */
const IN_FLIGHT_RETRIES = 200;

const journalOfRun = statement('bench.w6.journal', `
  select count(*)::int as rows, count(distinct idempotency_key)::int as keys, coalesce(sum(points), 0)::bigint as points
  from ledger_journal where starts_with(member_id, 'mbr_w6_') and starts_with(idempotency_key, $1)`);
const balances = statement('bench.w6.balances', `
  select member_id, available from ledger_accounts where starts_with(member_id, 'mbr_w6_')`);

/**
 * W6: a replay storm. `w6Events` earn events (one credit each, own idempotency key) are sent by
 * `concurrency` callers (the first pass: W1's shape, the yardstick), then all of them again (the
 * second pass: every one must be `replayed` with the first pass's transaction), then another
 * `w6Events` events each sent twice at the same instant (the race: one copy `created`, the other
 * `replayed`; a copy answered `idempotency_key_in_flight` while the first is being written is sent
 * again, as a sender would). Then the query: every member's balance must be its seeded points plus
 * each of its events once, and the journal must hold one row per event — no double credits.
 */
export async function replayStorm(ctx: BenchContext): Promise<WorkloadResult> {
  const { db, sizes, runId } = ctx;
  const c = sizes.concurrency;
  const events = sizes.w6Events;
  const warmup = c * 4;
  const members = Math.max(1, Math.ceil(events / EVENTS_PER_MEMBER));
  const now = Temporal.Now.instant();
  const expiries = earnExpiries(now);
  await seedCreditedMembers(db, 'w6', members, [{ points: SEEDED_POINTS, expiresAt: expiries[0] ?? now }], now);
  await ctx.settle();

  const expected = new Map<string, number>();
  const credit = (phase: 'warm' | 'storm' | 'race', i: number): CreditOp => ({
    op: 'credit',
    member: memberId('w6', 1 + (i % members)),
    key: `w6:${runId}:${phase}:${i}`,
    kind: 'earn',
    points: 10 + (i % 90),
    expiresAt: expiries[i % expiries.length],
    actor: 'upstream:bench',
  });
  const owe = (op: CreditOp) => expected.set(op.member, (expected.get(op.member) ?? SEEDED_POINTS) + op.points);
  const apply = async (op: CreditOp): Promise<LedgerResult> => {
    const [result] = await applyOperations(db, [op], Temporal.Now.instant());
    return result ?? { status: 'not_found' };
  };

  // First pass: fresh events, W1's shape (the warmup's events are extra, on keys of their own).
  const firstIds: (string | undefined)[] = new Array(events);
  const first = await runConcurrent(
    c,
    events,
    async (i) => {
      const op = i < warmup ? credit('warm', i) : credit('storm', i - warmup);
      owe(op);
      const result = await apply(op);
      if (i >= warmup) firstIds[i - warmup] = result.transactionId;
      return result.status;
    },
    { warmup },
  );

  // Second pass: the same events again; each must replay the first answer.
  const second = await runConcurrent(c, events, async (i) => {
    const result = await apply(credit('storm', i));
    if (result.status === 'replayed' && result.transactionId !== firstIds[i]) return 'replayed:other-transaction';
    return result.status;
  });

  // The race: both copies of each event at once.
  let inFlightAnswers = 0;
  const send = async (op: CreditOp): Promise<LedgerResult> => {
    for (let attempt = 0; ; attempt++) {
      const result = await apply(op);
      if (result.status !== 'idempotency_key_in_flight' || attempt >= IN_FLIGHT_RETRIES) return result;
      inFlightAnswers += 1;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  const race = await runConcurrent(c, events, async (i) => {
    const op = credit('race', i);
    owe(op);
    const [a, b] = await Promise.all([send(op), send(op)]);
    const label = [a.status, b.status].sort().join('+');
    return a.transactionId === b.transactionId ? label : `${label}:other-transaction`;
  });

  const [journal] = await db.query<{ rows: number; keys: number; points: number }>(journalOfRun, [`w6:${runId}:`]);
  const held = await db.query<{ member_id: string; available: number }>(balances);
  let membersOver = 0;
  let membersUnder = 0;
  for (const { member_id: member, available } of held) {
    const owed = expected.get(member) ?? SEEDED_POINTS;
    if (available > owed) membersOver += 1;
    if (available < owed) membersUnder += 1;
  }
  const journalRows = warmup + 2 * events;
  const owedPoints = [...expected.values()].reduce((sum, p) => sum + p - SEEDED_POINTS, 0);
  const faults: Record<string, number> = {};
  for (const [outcomes, ok] of [
    [first.outcomes, ['created']],
    [second.outcomes, ['replayed']],
    [race.outcomes, ['created+replayed']],
  ] as const) {
    for (const [what, n] of Object.entries(faultsFrom(outcomes, ok))) faults[what] = (faults[what] ?? 0) + n;
  }
  return {
    id: 'W6',
    title: `replay storm: ${events.toLocaleString('en')} earns sent again (second pass), ${c} concurrent`,
    rate: perSecond(events, second.elapsedMs),
    unit: 'ops/s',
    count: events,
    elapsedMs: second.elapsedMs,
    latencyMs: summarize(second.latenciesMs),
    latencyOf: 'replayed call',
    reference: { label: 'first pass (W1 shape)', rate: perSecond(events, first.elapsedMs) },
    faults: {
      ...faults,
      // More points than the events gave, or more journal rows than events: something was credited twice.
      doubleCredits: membersOver + Math.max(0, (journal?.rows ?? 0) - journalRows),
      missingCredits: membersUnder + Math.max(0, journalRows - (journal?.keys ?? 0)),
      pointsOff: Math.abs((journal?.points ?? 0) - owedPoints),
    },
    details: {
      ...Object.fromEntries(Object.entries(outcomeDetails(first.outcomes)).map(([k, v]) => [`first.${k}`, v])),
      ...Object.fromEntries(Object.entries(outcomeDetails(second.outcomes)).map(([k, v]) => [`second.${k}`, v])),
      ...Object.fromEntries(Object.entries(outcomeDetails(race.outcomes)).map(([k, v]) => [`race.${k}`, v])),
      firstPassP99Ms: Math.round(summarize(first.latenciesMs).p99 * 100) / 100,
      raceEventsPerSecond: Math.round(perSecond(events, race.elapsedMs)),
      raceInFlightRetries: inFlightAnswers,
      processCpuUsPerReplay: cpuPerUnit(second, events),
      members,
      journalRows: journal?.rows ?? 0,
    },
  };
}
