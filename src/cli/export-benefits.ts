import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { exportBenefits, type BenefitExportFormat, type BenefitExportTotals } from '../campaigns/index.js';
import type { Config } from '../config.js';
import { refusal } from '../errors.js';
import { createRegistry, loadPrograms } from '../programs/index.js';
import { openMigratedDb, type StorageOptions } from './database.js';
import { month, withStorage } from './options.js';

interface BenefitsOptions extends StorageOptions {
  program: string;
  programs?: string;
  month: string;
  format: BenefitExportFormat;
  out?: string;
}

/**
 * `pointbook export benefits --program P --month YYYY-MM [--format csv|json] [--out file]`: the
 * campaign benefits billing must apply in one billing month (GG-4, GG-9). With --out the file
 * appears whole or not at all; without, the rows go to stdout and the summary to stderr.
 */
export function registerBenefitsExport(exports: Command, config: Config): void {
  withStorage(
    exports
      .command('benefits')
      .description(
        'GG-4, GG-9: the campaign benefits of one billing month, for the billing system, one row per line and benefit:\n' +
          'member_external_id, contract_id, campaign, application_id, billing_month, month_index, kind (discount|data), amount, unit (JPY|GB)',
      )
      .requiredOption('--program <key>', 'the program')
      .requiredOption('--month <YYYY-MM>', 'the billing month (program time zone)', month)
      .addOption(new Option('--format <format>', 'csv (RFC 4180) or json (an array)').choices(['csv', 'json']).default('csv'))
      .option('--out <file>', 'write to this file instead of stdout')
      .option('--programs <dir>', 'program definitions (default examples/programs)'),
  ).action(async (options: BenefitsOptions) => {
    const registry = createRegistry(loadPrograms(options.programs ?? config.programsDir));
    const target = registry.get(options.program);
    if (!target) throw refusal('unknown_program', `no program "${options.program}"; programs are ${registry.list().map((p) => p.key).join(', ')}`);
    const db = await openMigratedDb(config, options);
    try {
      if (options.out === undefined) {
        const totals = await exportBenefits(db, target.key, options.month, options.format, (chunk) => write(process.stdout, chunk));
        process.stderr.write(`${summary(totals)} for ${options.month}\n`);
        return;
      }
      const partial = `${options.out}.partial`;
      const file = createWriteStream(partial);
      try {
        const totals = await exportBenefits(db, target.key, options.month, options.format, (chunk) => write(file, chunk));
        file.end();
        await once(file, 'finish');
        renameSync(partial, options.out);
        process.stdout.write(`wrote ${summary(totals)} for ${options.month} to ${options.out}\n`);
      } catch (error) {
        file.destroy();
        rmSync(partial, { force: true });
        throw error;
      }
    } finally {
      await db.close();
    }
  });
}

function summary(totals: BenefitExportTotals): string {
  const units = Object.entries(totals.byUnit).map(([unit, amount]) => `${amount} ${unit}`).join(', ');
  return `${totals.rows} benefits${units ? ` (${units})` : ''}`;
}

async function write(stream: NodeJS.WritableStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}
