import { Command } from 'commander';
import { readConfig } from '../config.js';
import { Refusal } from '../errors.js';
import { invariants, verifyLedger } from '../ledger/index.js';
import { checkChain, registerAuditCommands, withChainOptions, type ChainOptions } from './audit.js';
import { describeDb, openMigratedDb, type StorageOptions } from './database.js';
import { registerExportCommands } from './export.js';
import { registerSweepstakesCommands } from './sweepstakes.js';
import { registerImportCommand } from './import.js';
import { registerJobCommands } from './jobs.js';
import { instant, integerFrom, withStorage } from './options.js';
import { serve, type ServeOptions } from './serve.js';
import { simulate, type SimulateOptions } from './simulate.js';

const config = readConfig();

const program = new Command('pointbook')
  .description('Pointbook: loyalty points, campaigns and sweepstakes. PostgreSQL when DATABASE_URL is set, else embedded PGlite.')
  .showHelpAfterError();

withStorage(
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

withStorage(program.command('migrate').description('apply database migrations not yet applied')).action(async (options: StorageOptions) => {
  const db = await openMigratedDb(config, options);
  await db.close();
  process.stdout.write(`migrated ${describeDb(config, options)}\n`);
});

program
  .command('simulate')
  .description(
    'run YAML scenarios through the HTTP API in-process, each on a fresh in-memory database with a test clock; ' +
      'prints a diff for each failure and exits 1 if any scenario fails',
  )
  .argument('<scenarios...>', 'scenario files, or folders of them (*.yaml)')
  .option('--programs <dir>', 'programs for scenarios that do not name theirs (default examples/programs)')
  .option('--verbose', 'list the steps of passing scenarios too')
  .addHelpText('after', '\nExample:\n  pointbook simulate examples/scenarios\n\nThe scenario format: docs/simulator.md')
  .action(async (paths: string[], options: SimulateOptions) => {
    process.exitCode = await simulate(config, paths, options);
  });

const ledger = program.command('ledger').description('the points ledger');
withStorage(
  withChainOptions(
    ledger
      .command('verify')
      .description(`prove the ledger's invariants, then seal and check its hash chain (J2); exits 1 on any violation:\n  - ${invariants.join('\n  - ')}`),
  ),
).action(async (options: ChainOptions) => {
  const db = await openMigratedDb(config, options);
  try {
    const violations = await verifyLedger(db);
    for (const v of violations) {
      process.stdout.write(`VIOLATION: ${v.invariant}\n${v.rows.map((r) => `  ${JSON.stringify(r)}`).join('\n')}\n`);
    }
    process.stdout.write(violations.length === 0 ? `ledger verified: ${invariants.length} invariants hold\n` : '');
    const chained = await checkChain(db, 'ledger', options);
    process.exitCode = violations.length === 0 && chained ? 0 : 1;
  } finally {
    await db.close();
  }
});

registerJobCommands(program, config);
registerImportCommand(program, config);
registerExportCommands(program, config);
registerSweepstakesCommands(program, config);
registerAuditCommands(program, config);

try {
  await program.parseAsync();
} catch (error) {
  // A refusal is the user's to fix: say what, without a stack trace.
  if (!(error instanceof Refusal)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = 2;
}
