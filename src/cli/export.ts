import type { Command } from 'commander';
import { Temporal } from 'temporal-polyfill';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { exportSuppressions } from '../consent/index.js';
import { exportBillCredits } from '../redemption/index.js';
import { asAuditedCommand } from './audited.js';
import { openMigratedDb, type StorageOptions } from './database.js';
import { registerBenefitsExport } from './export-benefits.js';
import { month, withStorage } from './options.js';
import { programNamed, write, writeExport } from './output.js';

interface ExportOptions extends StorageOptions {
  program: string;
  programs?: string;
  month: string;
  out?: string;
}

/**
 * `pointbook export bill-credits --program P --month YYYY-MM [--out file]`: FL-4's bill credits of
 * one billing month as CSV for the billing system. With --out the file appears whole or not at all
 * (written beside it, then renamed); without, the CSV goes to stdout and the summary to stderr.
 */
export function registerExportCommands(program: Command, config: Config): void {
  const exports = program.command('export').description('files for other systems');
  withStorage(
    exports
      .command('bill-credits')
      .description(
        'FL-4: the bill credits of one billing month, as CSV (RFC 4180) for the billing system:\n' +
          `member_external_id, contract_id (empty when unknown), billing_month, amount_minor (yen for JPY), currency, redemption_id`,
      )
      .requiredOption('--program <key>', 'the program')
      .requiredOption('--month <YYYY-MM>', 'the billing month (program time zone)', month)
      .option('--out <file>', 'write to this file instead of stdout')
      .option('--programs <dir>', 'program definitions (default examples/programs)'),
  ).action(async (options: ExportOptions) => {
    const target = programNamed(config, options);
    const db = await openMigratedDb(config, options);
    try {
      await writeExport(
        options.out,
        (write) => exportBillCredits(db, target.key, options.month, write),
        (totals) => `${totals.rows} bill credits, ${totals.amountMinor} ${target.currency} in minor units, for ${options.month}`,
      );
    } finally {
      await db.close();
    }
  });

  withStorage(
    exports
      .command('suppressions')
      .description(
        'DN-3, DN-4: who must not be called or mailed, for an outside call centre or an affiliate: the permission changes of one\n' +
          "scope that took effect since the last export of that scope (or --since), as CSV: customer_id, phone, channel, scope,\n" +
          'action (suppress or release), effective_at, request_id. Each export is recorded, so the next one continues from it.',
      )
      .requiredOption('--program <key>', 'the program')
      .requiredOption('--scope <scope>', "company, an affiliate's id, or '*' for every scope")
      .option('--since <ISO instant>', 'changes after this instant instead of since the last export')
      .option('--programs <dir>', 'program definitions (default examples/programs)'),
  ).action(async (options: StorageOptions & { program: string; programs?: string; scope: string; since?: string }) => {
    const target = programNamed(config, options);
    const db = await openMigratedDb(config, options);
    try {
      const since = options.since === undefined ? undefined : Temporal.Instant.from(options.since);
      // Each export is recorded (the next continues from it): a change, so audited.
      const result = await asAuditedCommand('export suppressions', [target.key, options.scope], db, (audited) =>
        exportSuppressions(audited, target, { scope: options.scope, since, now: systemClock.now() }),
      );
      await write(process.stdout, result.csv);
      process.stderr.write(`${result.rows} changes of scope ${options.scope} in (${result.since}, ${result.until}]\n`);
    } finally {
      await db.close();
    }
  });
  registerBenefitsExport(exports, config);
}
