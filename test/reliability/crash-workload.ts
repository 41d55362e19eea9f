import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { Temporal } from 'temporal-polyfill';
import { statement, type Db } from '../../src/db/index.js';
import { applyEvents } from '../../src/earning/events/apply.js';
import type { EventEnvelope } from '../../src/earning/events/types.js';
import { runJob } from '../../src/jobs/registry.js';
import { enrolMember } from '../../src/members/index.js';
import { loadPrograms, syncPrograms, type Program } from '../../src/programs/index.js';
import { enter } from '../../src/sweepstakes/index.js';

/**
 * The operations of the crash suite (RELIABILITY.md C1), each cut into units the suite kills and
 * repeats: event batches, NDJSON files, grant months, expiry instants and draw periods. The same
 * units run uninterrupted on a copy of the database, and the two must end equal.
 */

/** The servers' test clock: after every grant month and cancellation, before any expiry. */
export const CLOCK = '2026-07-01T12:00:00+09:00';
export const SWEEPSTAKES = 'status-up-present';

export interface Sizes {
  /** FLET'S members, one contract each: more than the monthly grant's page of 5,000 contracts. */
  fletsMembers: number;
  /** Sony Rewards members, who send orders and partner points. */
  sonyMembers: number;
  /** So-net superstars, each entering prize S in every draw period. */
  entrants: number;
}

export const sizes: Sizes = { fletsMembers: 5_500, sonyMembers: 600, entrants: 200 };

/** Two months in each of FY2024–FY2026 (FL-8: each fiscal year's points expire together). */
export const grantMonths = ['2025-02', '2025-03', '2025-06', '2025-10', '2026-04', '2026-05'];
/** FL-8: the fiscal year ends of FY2024–FY2026, when those grants expire. */
export const expiryInstants = ['2027-03-31T15:00:00Z', '2028-03-31T15:00:00Z', '2029-03-31T15:00:00Z'];
export const drawPeriods = ['2024-01', '2024-02', '2024-03', '2024-04'];
/** Sony event rounds (about 300 events each): the first sent as HTTP batches, the rest imported. */
const batchRounds = 6;
const importFiles = [
  [6, 7],
  [8, 9],
  [10, 11],
];

export interface EventBatch {
  program: string;
  events: EventEnvelope[];
}

const contractOf = (i: number) => `C-fl-${i}`;
/** The monthly grant's page (PAGE in src/jobs/monthly-grant.ts): contracts per transaction. */
const GRANT_PAGE = 5_000;
/**
 * FL-2: only contracts with the commitment discount earn. One in ten on the grant's first page, all
 * on the second (those members are enrolled last, so their contracts page last): the two pages of
 * a month carry about the same work, and a kill falls after the first page's commit as often as
 * before it, so reruns resume half-done months.
 */
const discounted = (i: number) => i >= GRANT_PAGE || i % 10 === 0;
/** FL-10: one member in 25 cancels in June 2026, forfeiting any points (those on the grant's second page have some). */
const cancels = (i: number) => i % 25 === 1;

/** FL-10 cancellations first, then the Sony rounds: orders placed, shipped, returned, partner points. */
export function eventBatches(s: Sizes = sizes): EventBatch[] {
  const cancellations: EventEnvelope[] = [];
  for (let i = 0; i < s.fletsMembers; i += 1) {
    if (!cancels(i)) continue;
    cancellations.push({
      id: `fl-cancel-${i}`,
      type: 'contract.cancelled',
      member: { externalId: `fl-${i}` },
      occurredAt: '2026-06-10T10:00:00+09:00',
      data: { contractId: contractOf(i) },
    });
  }
  const rounds = Array.from({ length: batchRounds }, (_, r) => ({ program: 'sony-rewards', events: sonyRound(r, s) }));
  return [{ program: 'flets-club', events: cancellations }, ...rounds];
}

export interface ImportFile {
  file: string;
  eventIds: string[];
}

/** Writes the NDJSON files of `pointbook import` into `dir`. */
export function writeImportFiles(dir: string, s: Sizes = sizes): ImportFile[] {
  return importFiles.map((rounds, index) => {
    const file = join(dir, `sony-events-${index + 1}.ndjson`);
    const events = rounds.flatMap((r) => sonyRound(r, s));
    writeFileSync(file, `${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
    return { file, eventIds: events.map((event) => event.id) };
  });
}

const ORDERS_PER_ROUND = 100;
const PARTNER_PER_ROUND = 80;

/**
 * One round of Sony Rewards traffic, about 300 events: 100 orders placed (SR-2, pending until
 * shipment, SR-3), the last round's orders shipped, partner points (SR-7), a return from two rounds
 * ago (SR-6), and two events for members who do not exist (rejected, on every resend).
 */
function sonyRound(r: number, s: Sizes): EventEnvelope[] {
  const day = (offset: number) => Temporal.Instant.from('2014-10-01T17:00:00Z').add({ hours: 24 * r + offset }).toString();
  const member = (k: number) => ({ externalId: `sr-${k % s.sonyMembers}` });
  const orderMember = (round: number, k: number) => member(round * ORDERS_PER_ROUND + k);
  const events: EventEnvelope[] = [];
  for (let k = 0; k < ORDERS_PER_ROUND; k += 1) {
    const lines = Array.from({ length: 1 + (k % 3) }, (_, l) => ({ sku: `SKU-${l}`, quantity: 1 + ((k + l) % 2), unitPrice: 1_999 + 1_000 * ((r * 7 + k * 3 + l) % 40), tax: 180 }));
    events.push({ id: `sr-${r}-placed-${k}`, type: 'order.placed', member: orderMember(r, k), occurredAt: day(1), data: { orderId: `O-${r}-${k}`, currency: 'USD', lines } });
    if (r >= 1) events.push({ id: `sr-${r}-shipped-${k}`, type: 'order.shipped', member: orderMember(r - 1, k), occurredAt: day(2), data: { orderId: `O-${r - 1}-${k}` } });
    if (r >= 2 && k % 5 === 0) {
      events.push({ id: `sr-${r}-returned-${k}`, type: 'order.returned', member: orderMember(r - 2, k), occurredAt: day(3), data: { orderId: `O-${r - 2}-${k}`, lines: [{ sku: 'SKU-0', quantity: 1 }] } });
    }
  }
  for (let k = 0; k < PARTNER_PER_ROUND; k += 1) {
    const partner = k % 2 === 0 ? 'sony-card' : 'playstation-network';
    events.push({ id: `sr-${r}-partner-${k}`, type: 'partner.earned', member: member(r * 37 + k * 7), occurredAt: day(4), data: { partner, points: 10 + ((r * 13 + k * 29) % 490), reference: `ref-${r}-${k}` } });
  }
  for (let k = 0; k < 2; k += 1) {
    events.push({ id: `sr-${r}-stranger-${k}`, type: 'partner.earned', member: { externalId: `nobody-${r}-${k}` }, occurredAt: day(4), data: { partner: 'sony-card', points: 5, reference: 'x' } });
  }
  return events;
}

const at = (iso: string) => Temporal.Instant.from(iso);

/**
 * The state every unit starts from, written with the library's own functions (no HTTP, no mocks):
 * the programs, FLET'S members with contracts, Sony members, and So-net superstars with a status
 * and an entry in every draw period, some with a bill over SU-10's 4,158 yen.
 */
export async function seedWorkload(db: Db, s: Sizes = sizes): Promise<void> {
  const programs = loadPrograms('examples/programs');
  const program = (key: string): Program => {
    const found = programs.find((p) => p.key === key);
    assert.ok(found, `the example program ${key} is loaded`);
    return found;
  };
  const actor = 'test:crash-seed';
  await syncPrograms(db, programs, at('2004-01-01T00:00:00Z'));

  const fletsMember = (i: number) => ({ program: 'flets-club', externalId: `fl-${i}`, joinedAt: at('2025-01-10T10:00:00+09:00') });
  await enrolAll(db, 0, Math.min(GRANT_PAGE, s.fletsMembers), fletsMember);
  await enrolAll(db, GRANT_PAGE, s.fletsMembers, fletsMember);
  const contracts = Array.from({ length: s.fletsMembers }, (_, i): EventEnvelope => ({
    id: `fl-start-${i}`,
    type: 'contract.started',
    member: { externalId: `fl-${i}` },
    occurredAt: '2025-01-15T10:00:00+09:00',
    data: { contractId: contractOf(i), type: 'flets-hikari', plan: 'mansion', commitmentDiscount: discounted(i) },
  }));
  await applyAll(db, program('flets-club'), contracts, at('2025-01-15T10:00:00+09:00'));

  await enrolAll(db, 0, s.sonyMembers, (i) => ({ program: 'sony-rewards', externalId: `sr-${i}`, joinedAt: at('2014-01-01T00:00:00-08:00') }));

  const sonet = program('sonet');
  const definition = sonet.sweepstakes?.find((d) => d.key === SWEEPSTAKES);
  assert.ok(definition, `sonet defines ${SWEEPSTAKES}`);
  const postalAddress = { postalCode: '141-0032', region: '東京都', locality: '品川区', line1: '大崎1-1-1' };
  const entrants = await enrolAll(db, 0, s.entrants, (i) => ({
    program: 'sonet',
    externalId: `su-${i}`,
    joinedAt: at('2005-01-10T10:00:00+09:00'),
    postalAddress,
    attributes: { superstar: true },
  }));
  // SU-1: the status job records each superstar's status; SU-4: superstars may enter prize S.
  const status = await runJob(db, { job: 'status', program: sonet, month: drawPeriods[0] }, { now: at('2024-01-01T00:00:00+09:00'), actor });
  assert.equal(status.counts.members, s.entrants, 'the status job saw every entrant');
  const bills: EventEnvelope[] = [];
  for (const period of drawPeriods) {
    const now = at(`${period}-02T10:00:00+09:00`);
    const slices = Array.from({ length: SEED_PARALLEL }, (_, w) => entrants.filter((_id, i) => i % SEED_PARALLEL === w));
    await inParallel(slices, async (slice) => {
      for (const memberId of slice) await enter(db, sonet, definition, { memberId, prize: 'S', country: { code: 'JP', by: 'test' } }, { now, actor: `member:${memberId}` });
    });
    // SU-10: about one entrant in 25 was billed enough for prize S; the draw walks past the others.
    for (let i = 0; i < entrants.length; i += 1) {
      if ((i * 7 + period.charCodeAt(6)) % 25 !== 0) continue;
      bills.push({ id: `su-bill-${period}-${i}`, type: 'bill.issued', member: { externalId: `su-${i}` }, occurredAt: `${period}-28T00:00:00+09:00`, data: { billingMonth: period, total: { amount: 5_000, currency: 'JPY' } } });
    }
  }
  await applyAll(db, sonet, bills, at('2024-05-01T00:00:00+09:00'));
}

const SEED_CHUNK = 500;
const SEED_PARALLEL = 4;

/** Runs `chunks` a few at a time (the seed's members are disjoint, so their transactions never wait on each other). */
async function inParallel<T>(chunks: readonly T[], run: (chunk: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let chunk = chunks[next++]; chunk !== undefined; chunk = chunks[next++]) await run(chunk);
  };
  await Promise.all(Array.from({ length: SEED_PARALLEL }, worker));
}

/** Enrols members `from` … `to` − 1; their ids are in that order by chunk (ids are time-ordered). */
async function enrolAll(db: Db, from: number, to: number, input: (i: number) => Parameters<typeof enrolMember>[1]): Promise<string[]> {
  const ids: string[] = new Array(Math.max(0, to - from));
  const starts = Array.from({ length: Math.ceil(ids.length / SEED_CHUNK) }, (_, c) => from + c * SEED_CHUNK);
  await inParallel(starts, (start) =>
    db.transaction(async (tx) => {
      for (let i = start; i < Math.min(to, start + SEED_CHUNK); i += 1) {
        ids[i - from] = (await enrolMember(tx, input(i), { now: at('2004-01-01T00:00:00Z'), actor: 'test:crash-seed' })).member.id;
      }
    }),
  );
  return ids;
}

async function applyAll(db: Db, program: Program, events: EventEnvelope[], now: Temporal.Instant): Promise<void> {
  const chunks = Array.from({ length: Math.ceil(events.length / SEED_CHUNK) }, (_, c) => events.slice(c * SEED_CHUNK, (c + 1) * SEED_CHUNK));
  await inParallel(chunks, async (chunk) => {
    const results = await applyEvents(db, program, chunk, { now, actor: 'test:crash-seed' });
    assert.deepEqual(results.filter((r) => r.status !== 'applied'), [], `the seed's ${program.key} events apply`);
  });
}

/** `create database … template …`: a copy of a seeded database, same ids and all. */
export async function copyDatabase(serverUrl: string, from: string, to: string): Promise<string> {
  await adminQuery(serverUrl, `create database ${to} template ${from}`);
  const url = new URL(serverUrl);
  url.pathname = `/${to}`;
  return url.toString();
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// What must end equal after the crashes. Member and entry ids are equal (one database is a copy of
// the other); ledger transaction and draw ids are made afresh, so rows name transactions by key.
const txnIds = /\b(txn|swd)_[0-9a-z]+/g;
const sections = {
  postings: statement('test.crash.postings', `
    select j.member_id, j.idempotency_key, j.op, j.kind, p.account, p.amount, j.occurred_at::text
    from ledger_postings p join ledger_journal j on j.member_id = p.member_id and j.id = p.journal_id`),
  journal: statement('test.crash.journal', `
    select member_id, idempotency_key, op, kind, points, available_delta, pending_delta, available_after, pending_after,
      reversed, counter_account, allow_negative, occurred_at::text, reason, actor, metadata
    from ledger_journal`),
  balances: statement('test.crash.balances', `select member_id, available, pending from ledger_accounts`),
  lots: statement('test.crash.lots', `select member_id, expires_at::text, lot_class, remaining, expired from ledger_lots`),
  allocations: statement('test.crash.allocations', `
    select j.member_id, j.idempotency_key, a.expires_at::text, a.lot_class, a.remaining_delta, a.expired_delta
    from ledger_allocations a join ledger_journal j on j.member_id = a.member_id and j.id = a.journal_id`),
  holds: statement('test.crash.holds', `
    select j.member_id, j.idempotency_key, h.points, h.confirmed, h.cancelled
    from ledger_holds h join ledger_journal j on j.member_id = h.member_id and j.id = h.journal_id`),
  events: statement('test.crash.events', `select member_id, event_id, type, occurred_at::text, data, outcome from member_events`),
  orders: statement('test.crash.orders', `select member_id, order_id, lines, points, pending, status from member_orders`),
  contracts: statement('test.crash.contracts', `select member_id, contract_id, status, ended_at::text from member_contracts`),
  jobRuns: statement('test.crash.jobRuns', `select program_key, job, period, status, counts from job_runs`),
  draws: statement('test.crash.draws', `select sweepstakes_key, period, drawn_at::text, seed, commitment, report - 'id' as report from sweepstakes_draws`),
  results: statement('test.crash.results', `select member_id, entry_id, prize, outcome, place, exclusion from sweepstakes_results`),
};
export type Section = keyof typeof sections;

/** Each section's rows as sorted lines of JSON, transaction and draw ids blanked. */
export async function fingerprint(db: Db): Promise<Record<Section, string[]>> {
  const entries = await Promise.all(
    Object.entries(sections).map(async ([name, stmt]) => {
      const rows = await db.query(stmt);
      const lines = rows.map((row) => JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)).replace(txnIds, '$1_*'));
      return [name, lines.sort()] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Section, string[]>;
}

/** Rows of `expected` missing from `actual` (lost) and rows of `actual` not in `expected` (extra), as multisets. */
export function difference(expected: readonly string[], actual: readonly string[]): { lost: string[]; extra: string[] } {
  const counts = new Map<string, number>();
  for (const line of expected) counts.set(line, (counts.get(line) ?? 0) + 1);
  const extra: string[] = [];
  for (const line of actual) {
    const left = counts.get(line) ?? 0;
    if (left > 0) counts.set(line, left - 1);
    else extra.push(line);
  }
  const lost = [...counts.entries()].flatMap(([line, n]) => Array.from({ length: n }, () => line));
  return { lost, extra };
}

/** Independent of the copy: what the grants and expiries must have done, from the seed's own rules. */
export const expected = {
  grantsPerMonth: (s: Sizes = sizes) => Array.from({ length: s.fletsMembers }, (_, i) => i).filter(discounted).length,
  cancelledWithPoints: (s: Sizes = sizes) => Array.from({ length: s.fletsMembers }, (_, i) => i).filter((i) => discounted(i) && cancels(i)).length,
};
