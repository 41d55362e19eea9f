import type { Command } from 'commander';
import { Temporal } from 'temporal-polyfill';
import { auditWrites } from '../audit/index.js';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { refusal } from '../errors.js';
import { jobNames, isJobName, programIndependentJobs, runJob } from '../jobs/registry.js';
import { createRegistry, loadPrograms } from '../programs/index.js';
import { openMigratedDb, type StorageOptions } from './database.js';
import { instant, month, withStorage } from './options.js';
import { progressBar } from './progress.js';

interface JobOptions extends StorageOptions {
  program?: string;
  programs?: string;
  month?: string;
  asOf?: string;
}

/** `pointbook jobs run <job>`: the scheduler's jobs, by hand, for one period. */
export function registerJobCommands(program: Command, config: Config): void {
  const jobs = program.command('jobs').description('scheduled jobs, run by hand');
  withStorage(
    jobs
      .command('run')
      .description(
        `run one job for one period now: ${jobNames.join(' | ')}.\n` +
          'status and monthly-grant take --month; expire, forfeit and retention take --as-of (default now).\n' +
          'Each is idempotent per period (a re-run is a no-op) and resumes after a crash.',
      )
      .argument('<job>', jobNames.join(' | '))
      .option('--program <key>', 'the program (not needed for expire, retention and seal)')
      .option('--programs <dir>', 'program definitions (default examples/programs)')
      .option('--month <YYYY-MM>', 'billing month, for status and monthly-grant', month)
      .option('--as-of <instant>', 'instant, for expire, forfeit, retention and seal (default now)', instant),
  ).action(async (job: string, options: JobOptions) => {
    if (!isJobName(job)) throw refusal('invalid_request', `no job "${job}"; jobs are ${jobNames.join(', ')}`);
    const registry = createRegistry(loadPrograms(options.programs ?? config.programsDir));
    const target = options.program === undefined ? undefined : registry.get(options.program);
    if (!programIndependentJobs.has(job) && !target) {
      throw refusal('unknown_program', `give --program, one of ${registry.list().map((p) => p.key).join(', ')}`);
    }
    // J1: the run's changes write audit rows, as from the server.
    const db = auditWrites(await openMigratedDb(config, options));
    const bar = progressBar(job);
    bar.start();
    try {
      const asOf = options.asOf ? Temporal.Instant.from(options.asOf) : systemClock.now();
      const outcome = await runJob(db, { job, program: target, month: options.month, asOf }, {
        now: systemClock.now(),
        actor: 'cli',
        retention: config.retention,
        onProgress: (counts) => bar.update(Object.values(counts)[0] ?? 0),
      });
      bar.stop();
      const counts = Object.entries(outcome.counts).map(([k, v]) => `${k} ${v}`).join(', ') || 'nothing to do';
      process.stdout.write(`${outcome.job} ${outcome.period}: ${outcome.status.replace('_', ' ')} (${counts})\n`);
    } finally {
      await db.close();
    }
  });
}
