// `DATABASE_URL=… npx tsx bench/program-counter.ts [--ops 6000] [--clients 32,64] [--stripes 16]`
// Program-wide counters (SR-1's first 1,000 enrollees, FL-3's reward stock): how one guarded hot
// row behaves at 32–64 PostgreSQL connections, against a same-run baseline (B_ins(c): single-row
// autocommit INSERTs from as many connections), and what splitting it into N rows buys. Each
// figure is a ratio to B_ins at the same client count. Exactness is checked, not only speed.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { statement, type Db } from '../src/db/index.js';
import { newId } from '../src/ids.js';
import { openBackend } from './backend.js';
import { perSecond, round, runConcurrent, summarize } from './measure.js';

const { values: flags } = parseArgs({
  options: { ops: { type: 'string', default: '6000' }, clients: { type: 'string', default: '32,64' }, stripes: { type: 'string', default: '16' } },
});
const ops = Number(flags.ops);
const stripes = Number(flags.stripes);

const createBaseline = `create table bench_counter_journal (member_id text not null, id text not null, key text not null, primary key (member_id, id), unique (member_id, key))`;
const insertRow = statement('bench.counter.insert', `insert into bench_counter_journal (member_id, id, key) values ($1, $2, $3)`);
const openCounter = statement('bench.counter.open', `insert into program_counters (program_key, counter, cap) values ('bench', $1, $2)`);
// What src/earning/enrolment.ts runs: the guard is the update.
const countOne = statement('bench.counter.countOne', `
  update program_counters set used = used + 1 where program_key = 'bench' and counter = $1 and used < cap returning used`);
const usedOf = statement('bench.counter.used', `select coalesce(sum(used), 0)::int as used from program_counters where program_key = 'bench' and counter like $1`);

type Figure = { rate: number; p99: number; counted: number; refused: number; errors: number };

async function measure(clients: number, call: (i: number) => Promise<string>): Promise<Figure> {
  const stats = await runConcurrent(clients, ops, call, { warmup: clients * 2 });
  const get = (label: string) => stats.outcomes.get(label) ?? 0;
  const errors = [...stats.outcomes.entries()].filter(([l]) => l.startsWith('error:')).reduce((n, [, c]) => n + c, 0);
  return { rate: perSecond(ops, stats.elapsedMs), p99: round(summarize(stats.latenciesMs).p99), counted: get('counted'), refused: get('refused'), errors };
}

async function counterRuns(db: Db, clients: number, run: string) {
  const total = ops + clients * 2;
  const baseline = await measure(clients, async (i) => {
    await db.query(insertRow, [`m-${i % 5000}`, newId('txn'), `${run}:${clients}:${i}`]);
    return 'counted';
  });
  // 1. One hot row, autocommit: its lock is held through each commit's WAL flush, so increments are serial.
  const hot = `hot-${run}-${clients}`;
  await db.query(openCounter, [hot, total]);
  const hotRow = await measure(clients, async () => ((await db.query(countOne, [hot])).length > 0 ? 'counted' : 'refused'));
  // 2. The same row inside an enrolment-shaped transaction (the award row first, then the counter), as SR-1 runs it.
  const inTx = `tx-${run}-${clients}`;
  await db.query(openCounter, [inTx, total]);
  const inTransaction = await measure(clients, (i) =>
    db.transaction(async (tx) => {
      await tx.query(insertRow, [`t-${i % 5000}`, newId('txn'), `${run}:tx:${clients}:${i}`]);
      return (await tx.query(countOne, [inTx])).length > 0 ? 'counted' : 'refused';
    }),
  );
  // 3. N stripes of cap/N each, chosen round-robin: N rows' locks taken in parallel.
  const striped = Array.from({ length: stripes }, (_, s) => `stripe-${run}-${clients}-${s}`);
  for (const name of striped) await db.query(openCounter, [name, Math.ceil(total / stripes) + clients]);
  const stripedRows = await measure(clients, async (i) => ((await db.query(countOne, [striped[i % stripes]])).length > 0 ? 'counted' : 'refused'));
  // 4. Exactness at the cap: twice as many attempts as places; exactly `cap` counted.
  const capped = `cap-${run}-${clients}`;
  const cap = Math.floor(ops / 2);
  await db.query(openCounter, [capped, cap]);
  const atCap = await measure(clients, async () => ((await db.query(countOne, [capped])).length > 0 ? 'counted' : 'refused'));
  const [used] = await db.query<{ used: number }>(usedOf, [capped]);
  // The warmup calls (clients × 2, untimed) came first and all counted.
  return { clients, baseline, hotRow, inTransaction, stripedRows, atCap: { cap, counted: atCap.counted + clients * 2, used: used?.used ?? -1, errors: atCap.errors } };
}

async function main(): Promise<void> {
  const clientCounts = (flags.clients ?? '32,64').split(',').map(Number);
  const backend = await openBackend('postgres', { databaseUrl: process.env.DATABASE_URL, pgliteOnDisk: false, poolSize: Math.max(...clientCounts) });
  try {
    await backend.db.exec(`${createBaseline}; insert into programs (key, name, definition, content_hash, loaded_at) values ('bench', 'bench', '{}', '', now()) on conflict do nothing`);
    const run = randomBytes(3).toString('hex');
    const rows = [];
    for (const clients of clientCounts) rows.push(await counterRuns(backend.db, clients, run));
    const lines = [`program-wide counter, ${ops} ops each, PostgreSQL ${backend.serverVersion.split(' ')[1] ?? ''}; ratio = rate ÷ B_ins(c) of the same run`];
    let exact = true;
    for (const r of rows) {
      const ratio = (f: Figure) => `${Math.round(f.rate)}/s [${round(f.rate / r.baseline.rate)}] p99 ${f.p99} ms${f.errors ? ` ERRORS ${f.errors}` : ''}`;
      lines.push(`c=${r.clients}: B_ins ${Math.round(r.baseline.rate)}/s p99 ${r.baseline.p99} ms`);
      lines.push(`  one hot row, autocommit     ${ratio(r.hotRow)}`);
      lines.push(`  hot row in a transaction    ${ratio(r.inTransaction)}`);
      lines.push(`  ${stripes} stripes, autocommit      ${ratio(r.stripedRows)}`);
      lines.push(`  at the cap: ${r.atCap.counted} counted of ${ops + r.clients * 2} attempts, cap ${r.atCap.cap}, row says ${r.atCap.used}`);
      exact &&= r.atCap.counted === r.atCap.cap && r.atCap.used === r.atCap.cap && r.atCap.errors === 0 && r.hotRow.errors + r.inTransaction.errors + r.stripedRows.errors === 0;
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    if (!exact) {
      process.stderr.write('a counter was not exact, or a call failed\n');
      process.exitCode = 1;
    }
  } finally {
    await backend.dispose();
  }
}

await main();
