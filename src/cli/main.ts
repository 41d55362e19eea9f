import { Command, InvalidArgumentError, Option } from 'commander';
import { Temporal } from 'temporal-polyfill';
import { systemClock } from '../clock.js';
import { readConfig } from '../config.js';
import { runExpiry } from '../jobs/expire.js';
import { invariants, verifyLedger } from '../ledger/index.js';
import { describeDb, openMigratedDb, type StorageOptions } from './database.js';
import { progressBar } from './progress.js';
import { serve, type ServeOptions } from './serve.js';

const config = readConfig();

const instant = (value: string) => {
  try {
    return Temporal.Instant.from(value).toString();
  } catch {
    throw new InvalidArgumentError('expected an ISO 8601 instant with offset, like 2027-04-01T00:00:00+09:00');
  }
};
const integerFrom = (min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer of at least ${min}`);
  return n;
};
const positiveInt = integerFrom(1);

const storage = (command: Command) =>
  command
    .addOption(new Option('--data <dir>', 'PGlite data directory (default ./data; ignored with DATABASE_URL)'))
    .addOption(new Option('--memory', 'PGlite in memory: nothing is kept').conflicts('data'));

const program = new Command('pointbook')
  .description('Pointbook: loyalty points, campaigns and sweepstakes. PostgreSQL when DATABASE_URL is set, else embedded PGlite.')
  .showHelpAfterError();

storage(
  program
    .command('serve')
    .description('serve the HTTP API (and the scheduler) until stopped')
    .option('--port <n>', 'port to listen on, 0 for any free one (default PORT or 3000)', integerFrom(0))
    .option('--host <host>', 'address to listen on (default HOST or 127.0.0.1)')
    .option('--programs <dir>', 'program definitions to load (default examples/programs)')
    .option('--test-clock [instant]', 'run on a test clock (starting now, or at the instant given), moved by POST /v1/test-clock'),
).action(async (options: ServeOptions) => {
  if (typeof options.testClock === 'string') instant(options.testClock);
  const stop = await serve(config, options);
  const shutdown = () => void stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
});

storage(program.command('migrate').description('apply database migrations not yet applied')).action(async (options: StorageOptions) => {
  const db = await openMigratedDb(config, options);
  await db.close();
  process.stdout.write(`migrated ${describeDb(config, options)}\n`);
});

const ledger = program.command('ledger').description('the points ledger');
storage(ledger.command('verify').description(`prove the ledger's invariants; exits 1 on any violation:\n  - ${invariants.join('\n  - ')}`)).action(
  async (options: StorageOptions) => {
    const db = await openMigratedDb(config, options);
    const violations = await verifyLedger(db);
    await db.close();
    for (const v of violations) {
      process.stdout.write(`VIOLATION: ${v.invariant}\n${v.rows.map((r) => `  ${JSON.stringify(r)}`).join('\n')}\n`);
    }
    process.stdout.write(violations.length === 0 ? `ledger verified: ${invariants.length} invariants hold\n` : '');
    process.exitCode = violations.length === 0 ? 0 : 1;
  },
);

const jobs = program.command('jobs').description('scheduled jobs, run by hand');
const run = jobs.command('run').description('run one job now');
storage(
  run
    .command('expire')
    .description('expire every lot due at --as-of (default now); a re-run or a resume after a crash expires nothing twice')
    .option('--as-of <instant>', 'the instant to expire at', instant)
    .option('--chunk <members>', 'members per transaction', positiveInt, 20_000),
).action(async (options: StorageOptions & { asOf?: string; chunk: number }) => {
  const db = await openMigratedDb(config, options);
  const asOf = options.asOf ? Temporal.Instant.from(options.asOf) : systemClock.now();
  const bar = progressBar('expire');
  const result = await runExpiry(db, asOf, options.chunk, { start: bar.start, advance: (done) => bar.update(done.members) });
  bar.stop();
  await db.close();
  process.stdout.write(`expired ${result.points} points in ${result.buckets} lots of ${result.members} members as of ${asOf}\n`);
});

await program.parseAsync();
