import { Temporal } from 'temporal-polyfill';
import { encodeTime } from 'ulid';
import { statement, type Db } from '../src/db/index.js';

/**
 * Set-based seeding: members and their credited buckets are written by `insert … select
 * generate_series`, many thousands of rows per statement, so a run seeds a million rows in
 * seconds instead of calling the ledger a million times. What it writes is exactly what
 * `ledger_credit` would have written, so `verifyLedger` holds: per credit a journal row, two
 * postings summing to zero, a bucket and an allocation; per member a cached balance.
 *
 * Members of a group are `mbr_<group>_<8-digit index>`, indexes 1…count, so workloads can name
 * them without reading them back.
 */
export function memberId(group: string, index: number): string {
  return `mbr_${group}_${String(index).padStart(8, '0')}`;
}

export const PROGRAM = 'bench';

/** Members per seeding statement: large enough to be set-based, small enough to keep each transaction short. */
const CHUNK = 50_000;

// One statement per chunk. The foreign keys are checked when the statement ends, by which time
// every CTE has written its rows, so accounts, journal and lots may be inserted together.
const insertCredited = statement('bench.seedCredited', `
  with buckets as (
    select k, points, expires_at, sum(points) over (order by k) as available_after
    from unnest($4::bigint[], $5::timestamptz[]) with ordinality as b(points, expires_at, k)
  ), credits as materialized (
    select 'mbr_' || $1 || '_' || lpad(m::text, 8, '0') as member_id,
           'txn_seed_' || $1 || '_' || b.k as id, 'seed:' || $1 || ':' || b.k as key,
           b.points, b.expires_at, b.available_after
    from generate_series($2::int, $3::int) m cross join buckets b
    -- varied: member m holds the first 1 + m % n of the n buckets (1–3 open buckets, as members do)
    where not $8::boolean or b.k <= 1 + m % (select count(*) from buckets)
  ), accounts as (
    insert into ledger_accounts (member_id, program_key, available, pending, opened_at)
    select member_id, $6, max(available_after), 0, $7::timestamptz from credits group by member_id
  ), journal as (
    insert into ledger_journal (member_id, id, op, kind, idempotency_key, request_hash, points,
        available_delta, pending_delta, available_after, pending_after, counter_account,
        occurred_at, recorded_at, actor)
    select member_id, id, 'credit', 'earn', key, '', points, points, 0, available_after, 0, 'program:issued',
           $7::timestamptz, $7::timestamptz, 'job:bench-seed'
    from credits
  ), postings as (
    insert into ledger_postings (member_id, journal_id, account, amount)
    select member_id, id, 'program:issued', -points from credits
    union all
    select member_id, id, 'member:available', points from credits
  ), lots as (
    insert into ledger_lots (member_id, expires_at, lot_class, remaining)
    select member_id, expires_at, 'base', points from credits
  )
  insert into ledger_allocations (member_id, journal_id, expires_at, lot_class, remaining_delta, expired_delta)
  select member_id, id, expires_at, 'base', points, 0 from credits`);

export interface SeedBucket {
  points: number;
  expiresAt: Temporal.Instant;
}

/**
 * Opens `count` accounts of `program` (default `bench`, which the ledger knows only by key), each
 * credited once per bucket (the same buckets for every member, in order, with distinct expiry
 * instants), or with `varied` the first 1…n of the n buckets.
 * Returns the points a member holding every bucket has.
 */
export async function seedCreditedMembers(
  db: Db,
  group: string,
  count: number,
  buckets: readonly SeedBucket[],
  now: Temporal.Instant,
  varied = false,
  program = PROGRAM,
): Promise<number> {
  const points = buckets.map((b) => b.points);
  const expiries = buckets.map((b) => b.expiresAt.toString());
  for (let from = 1; from <= count; from += CHUNK) {
    const to = Math.min(count, from + CHUNK - 1);
    await db.query(insertCredited, [group, from, to, points, expiries, program, now.toString(), varied]);
  }
  return points.reduce((sum, p) => sum + p, 0);
}

/** `days` whole days after `from` (Temporal instants add hours, not calendar days). */
export function daysAfter(from: Temporal.Instant, days: number): Temporal.Instant {
  return from.add({ hours: 24 * days });
}

/**
 * Three buckets a year apart, as FL-8's "end of fiscal year X+2" gives a member at most three. Whole
 * UTC days, so every workload of a run credits the same three buckets.
 */
export function earnExpiries(now: Temporal.Instant): Temporal.Instant[] {
  const today = now.round({ smallestUnit: 'hour', roundingIncrement: 24, roundingMode: 'floor' });
  return [daysAfter(today, 365), daysAfter(today, 730), daysAfter(today, 1095)];
}

/**
 * The members W1, W2 and B_ins write to: `mbr_bg_…`, each holding 1–3 of the three buckets the earn
 * workloads credit, so every ledger table has realistic contents before the first plan is made.
 * (Plans made against empty, freshly analyzed tables choose sequential scans, and every later
 * operation of that connection pays for them until the next ANALYZE.)
 */
export async function seedMembers(db: Db, count: number): Promise<void> {
  const now = Temporal.Now.instant();
  const buckets = earnExpiries(now).map((expiresAt, i) => ({ points: 100 * (i + 1), expiresAt }));
  await seedCreditedMembers(db, 'bg', count, buckets, now, true);
}

// One statement per chunk, as enrolment and a contract.started event would write them: the directory
// entry, the member, an open membership period, an empty ledger account, and one active contract.
// The foreign keys (programs, members) are checked when the statement ends, after every CTE has run.
const insertContractMembers = statement('bench.seedContractMembers', `
  with ids as materialized (
    select m, $1 || lpad(m::text, 16, '0') as member_id, $2 || lpad(m::text, 10, '0') as external_id
    from generate_series($3::int, $4::int) m
  ), directory as (
    insert into member_directory (program_key, external_id, member_id)
    select $5, external_id, member_id from ids
  ), members as (
    insert into members (member_id, program_key, external_id, name, email, joined_at, created_at, created_by)
    select member_id, $5, external_id, 'Member ' || m, 'member' || m || '@example.com', $6::timestamptz, $6::timestamptz,
           'job:bench-seed'
    from ids
  ), periods as (
    insert into member_memberships (member_id, started_at) select member_id, $6::timestamptz from ids
  ), accounts as (
    insert into ledger_accounts (member_id, program_key, opened_at) select member_id, $5, $6::timestamptz from ids
  )
  insert into member_contracts (member_id, contract_id, type, plan, services, commitment_discount, in_service, status,
                                started_at)
  select member_id, 'L-' || external_id, $7, null, '{}', true, true, 'active', $6::timestamptz from ids`);

export interface ContractMembersSeed {
  /** The members' program (its `programs` row must exist). */
  program: string;
  /** `mbr_` plus ten characters: members are `<prefix><16-digit index>`, as long as real ids and in index order. */
  idPrefix: string;
  /** External ids are `<externalPrefix><10-digit index>`, contract ids `L-<external id>`. */
  externalPrefix: string;
  count: number;
  /** When they joined, opened their account and started their contract. */
  since: Temporal.Instant;
  contractType: string;
}

/**
 * Members of a program with one active contract each (commitment discount, in service), written
 * set-based: per member the directory entry, the member, an open membership period, an empty ledger
 * account and the contract. Member i is `contractMemberId(seed.idPrefix, i)`, i = 1…count.
 */
export async function seedContractMembers(db: Db, seed: ContractMembersSeed): Promise<void> {
  for (let from = 1; from <= seed.count; from += CHUNK) {
    const to = Math.min(seed.count, from + CHUNK - 1);
    await db.query(insertContractMembers, [
      seed.idPrefix,
      seed.externalPrefix,
      from,
      to,
      seed.program,
      seed.since.toString(),
      seed.contractType,
    ]);
  }
}

export function contractMemberId(idPrefix: string, index: number): string {
  return `${idPrefix}${String(index).padStart(16, '0')}`;
}

/**
 * A prefix for member ids shaped like real ones (`mbr_` + a lowercase ULID, 26 characters): the
 * ULID's 10-character time part for `at`, so seeded members sort as if enrolled at that instant,
 * after everyone enrolled before. The index fills the 16 characters of the random part.
 */
export function ulidTimePrefix(at: Temporal.Instant): string {
  return `mbr_${encodeTime(at.epochMilliseconds, 10).toLowerCase()}`;
}

// One statement per chunk, as enrolment writes them: the directory entry, the member and an open
// membership period, for `mbr_<group>_<index>`, external id `<externalPrefix><index>`.
const insertEnrolled = statement('bench.seedEnrolled', `
  with ids as materialized (
    select m, 'mbr_' || $1 || '_' || lpad(m::text, 8, '0') as member_id, $2 || m as external_id
    from generate_series($3::int, $4::int) m
  ), directory as (
    insert into member_directory (program_key, external_id, member_id)
    select $5, external_id, member_id from ids
  ), members as (
    insert into members (member_id, program_key, external_id, name, email, joined_at, created_at, created_by)
    select member_id, $5, external_id, 'Member ' || m, 'member' || m || '@example.com', $6::timestamptz, $6::timestamptz,
           'job:bench-seed'
    from ids
  )
  insert into member_memberships (member_id, started_at) select member_id, $6::timestamptz from ids`);

export interface EnrolledMembersSeed {
  /** A loaded program (its `programs` row must exist): the API refuses members of others. */
  program: string;
  group: string;
  count: number;
  /** External ids are `<externalPrefix><index>`. */
  externalPrefix: string;
  /** When they joined; their buckets are credited then. */
  since: Temporal.Instant;
}

/**
 * Members the API can serve: per member the directory entry, the member row, an open membership
 * and a ledger account holding 1–3 of the three buckets the earn workloads credit, all set-based.
 * Member i is `memberId(seed.group, i)`, i = 1…count.
 */
export async function seedEnrolledMembers(db: Db, seed: EnrolledMembersSeed): Promise<void> {
  for (let from = 1; from <= seed.count; from += CHUNK) {
    const to = Math.min(seed.count, from + CHUNK - 1);
    await db.query(insertEnrolled, [seed.group, seed.externalPrefix, from, to, seed.program, seed.since.toString()]);
  }
  const buckets = earnExpiries(seed.since).map((expiresAt, i) => ({ points: 100 * (i + 1), expiresAt }));
  await seedCreditedMembers(db, seed.group, seed.count, buckets, seed.since, true, seed.program);
}
