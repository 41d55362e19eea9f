import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { Config } from '../config.js';
import { csvLine } from '../csv.js';
import { refusal } from '../errors.js';
import { publishedDraw, verifyDraw, type PublishedDraw } from '../sweepstakes/index.js';
import { openMigratedDb, type StorageOptions } from './database.js';
import { withStorage } from './options.js';
import { writeExport } from './output.js';

/**
 * `pointbook sweepstakes export <draw-id>`: a draw's report and every entry of its period, as JSON
 * (the whole publication, for `verify --file`) or CSV (one row per entry: what the draw decided).
 * `pointbook sweepstakes verify <draw-id> | --file <export.json>`: re-runs the draw from the seed and
 * the entries (docs/sweepstakes.md) and exits 1 when anything differs.
 */
export function registerSweepstakesCommands(program: Command, config: Config): void {
  const sweepstakes = program.command('sweepstakes').description('sweepstakes draws (SU): export and verify');
  withStorage(
    sweepstakes
      .command('export')
      .description('a draw report and its entries: JSON (default, what verify --file reads) or CSV (entry_id, prize, member_id, outcome, exclusion)')
      .argument('<draw-id>', 'the draw (swd_…)')
      .addOption(new Option('--format <format>', 'json (what verify --file reads) or csv').choices(['json', 'csv']).default('json'))
      .option('--out <file>', 'write to this file instead of stdout'),
  ).action(async (drawId: string, options: StorageOptions & { format: string; out?: string }) => {
    const published = await readPublished(config, options, drawId);
    await writeExport(
      options.out,
      async (write) => {
        if (options.format === 'json') return write(`${JSON.stringify({ ...published.report, entries: published.entries }, null, 2)}\n`);
        await write(csvLine(['entry_id', 'prize', 'member_id', 'outcome', 'exclusion']));
        for (const e of published.entries) await write(csvLine([e.id, e.prize, e.member, e.outcome, e.exclusion ?? '']));
      },
      () => `draw ${drawId}: ${published.entries.length} entries`,
    );
  });
  withStorage(
    sweepstakes
      .command('verify')
      .description('re-run a draw from its revealed seed and entries; exits 1 when the winners, alternates or commitment differ')
      .argument('[draw-id]', 'the draw (swd_…) in the database')
      .option('--file <export.json>', 'verify an export instead (no database needed)'),
  ).action(async (drawId: string | undefined, options: StorageOptions & { file?: string }) => {
    const published: PublishedDraw = options.file !== undefined ? fromFile(options.file) : await readPublished(config, options, drawId);
    const result = await verifyDraw(published);
    for (const problem of result.problems) process.stdout.write(`MISMATCH: ${problem}\n`);
    const entries = published.entries.length;
    if (result.ok) process.stdout.write(`draw verified: the seed matches its commitment and ${entries} entries give the same winners\n`);
    process.exitCode = result.ok ? 0 : 1;
  });
}

async function readPublished(config: Config, options: StorageOptions, drawId: string | undefined) {
  if (drawId === undefined) throw refusal('invalid_request', 'name a draw id, or give --file');
  const db = await openMigratedDb(config, options);
  try {
    const published = await publishedDraw(db, drawId);
    if (!published) throw refusal('not_found', `There is no draw ${drawId}`);
    return published;
  } finally {
    await db.close();
  }
}

function fromFile(file: string): PublishedDraw {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<PublishedDraw>;
  if (typeof data.seed !== 'string' || typeof data.commitment !== 'string' || !Array.isArray(data.tiers) || !Array.isArray(data.entries)) {
    throw refusal('invalid_request', `${file} is not a draw export (pointbook sweepstakes export <draw-id>)`);
  }
  return data as PublishedDraw;
}
