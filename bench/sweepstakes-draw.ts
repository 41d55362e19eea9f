// Sweepstakes draw (#6, SU-8): a draw over a period of N entries (default 1M) that picks k = 100
// winners, as a ratio to a baseline measured in the same run on the same database: one full scan of
// the entries table (`count(*)` and `max(rank)` over every row). Goal: draw ≤ 3 × scan. The draw walks
// the rank index and checks exclusions (membership, bill, operator) only for the entries it reaches.
//   DATABASE_URL=… npx tsx bench/sweepstakes-draw.ts [--entries 1000000] [--backend postgres|pglite]
// Seeding writes the rows in SQL; their ranks are SHA-256 of the entry id (uniform like the HMAC the
// product computes at entry, which this benchmark does not measure).
import { Temporal } from 'temporal-polyfill';
import { statement } from '../src/db/index.js';
import { loadPrograms, syncPrograms } from '../src/programs/index.js';
import { drawPeriod, openedPeriod, type SweepstakesDefinition } from '../src/sweepstakes/index.js';
import { openBackend, settle, type BackendName } from './backend.js';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
};
const entries = Number(arg('entries', '1000000'));
const backendName = arg('backend', process.env.DATABASE_URL ? 'postgres' : 'pglite') as BackendName;
const k = 100;
const runs = 3;

const programs = loadPrograms('examples/programs');
const sonet = programs.find((p) => p.key === 'sonet');
const example = sonet?.sweepstakes?.[0];
if (!sonet || !example) throw new Error('the SU example definition is loaded');
// One tier of k winners, no alternates; the example's exclusions stay (SU-9 for every entry reached).
const definition: SweepstakesDefinition = { ...example, prizes: [{ ...example.prizes.at(-1)!, winners: k }], draw: { ...example.draw, alternatesPerWinner: 0 } };
const prize = definition.prizes[0]!.key;

const seedMembers = statement('bench.su.members', `
  insert into members (member_id, program_key, external_id, joined_at, created_at, created_by)
  select 'mbr_bench' || lpad(i::text, 17, '0'), 'sonet', 'su-bench-' || i, '2010-01-01', now(), 'bench' from generate_series(1, $1) i`);
const seedMemberships = statement('bench.su.memberships', `
  insert into member_memberships (member_id, started_at) select member_id, joined_at from members where program_key = 'sonet'`);
const seedEntries = statement('bench.su.entries', `
  insert into sweepstakes_entries (member_id, id, sweepstakes_key, period, program_key, prize, channel, entered_at, postal_address, data_use, rank, actor)
  select 'mbr_bench' || lpad(i::text, 17, '0'), 'swe_bench' || lpad(i::text, 17, '0'), $2, '2024-04', 'sonet', $3, 'web',
    '2024-04-02T00:00:00Z', '{"postalCode": "141-0032", "line1": "大崎1-1-1"}', '{"ja": "-", "en": "-"}',
    encode(sha256(convert_to('swe_bench' || lpad(i::text, 17, '0'), 'UTF8')), 'hex'), 'bench'
  from generate_series(1, $1) i`);
const scan = statement('bench.su.scan', `select count(*)::int as n, max(rank) as top from sweepstakes_entries`);
// The draw is immutable by design; the benchmark lifts the guard to draw the same period again.
const forget = [
  'delete from sweepstakes_results',
  'alter table sweepstakes_draws disable trigger sweepstakes_draws_immutable',
  'delete from sweepstakes_draws',
  'alter table sweepstakes_draws enable trigger sweepstakes_draws_immutable',
];

const backend = await openBackend(backendName, { databaseUrl: process.env.DATABASE_URL, poolSize: 4 });
try {
  const now = Temporal.Instant.from('2024-06-01T10:00:00+09:00');
  await syncPrograms(backend.db, programs, now);
  const seeded = performance.now();
  await backend.db.query(seedMembers, [entries]);
  await backend.db.query(seedMemberships);
  await openedPeriod(backend.db, definition, '2024-04', now);
  await backend.db.query(seedEntries, [entries, definition.key, prize]);
  await settle(backend);
  console.log(`${backend.name}: seeded ${entries.toLocaleString('en')} members and entries in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  const scans: number[] = [];
  const draws: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    let started = performance.now();
    const [row] = await backend.db.query<{ n: number }>(scan);
    scans.push(performance.now() - started);
    if (row?.n !== entries) throw new Error(`the scan saw ${row?.n} entries`);
    for (const sql of forget) await backend.db.exec(sql);
    started = performance.now();
    const report = await drawPeriod(backend.db, sonet, definition, '2024-04', { now, actor: 'bench' });
    draws.push(performance.now() - started);
    if (report.tiers[0]?.winners.length !== k) throw new Error(`the draw found ${report.tiers[0]?.winners.length} winners`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const [s, d] = [median(scans), median(draws)];
  console.log(`baseline full scan: ${s.toFixed(1)} ms (runs: ${scans.map((x) => x.toFixed(1)).join(', ')})`);
  console.log(`draw, k = ${k}: ${d.toFixed(1)} ms (runs: ${draws.map((x) => x.toFixed(1)).join(', ')})`);
  console.log(`ratio draw / scan: ${(d / s).toFixed(2)} (goal ≤ 3): ${d / s <= 3 ? 'met' : 'not met'}`);
} finally {
  await backend.dispose();
}
