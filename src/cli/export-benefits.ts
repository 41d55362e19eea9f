import { Option, type Command } from 'commander';
import { exportBenefits, type BenefitExportFormat, type BenefitExportTotals } from '../campaigns/index.js';
import type { Config } from '../config.js';
import { openMigratedDb, type StorageOptions } from './database.js';
import { month, withStorage } from './options.js';
import { programNamed, writeExport } from './output.js';

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
    const target = programNamed(config, options);
    const db = await openMigratedDb(config, options);
    try {
      await writeExport(options.out, (write) => exportBenefits(db, target.key, options.month, options.format, write), (totals) => `${summary(totals)} for ${options.month}`);
    } finally {
      await db.close();
    }
  });
}

function summary(totals: BenefitExportTotals): string {
  const units = Object.entries(totals.byUnit).map(([unit, amount]) => `${amount} ${unit}`).join(', ');
  return `${totals.rows} benefits${units ? ` (${units})` : ''}`;
}
