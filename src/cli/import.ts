import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { Value } from 'typebox/value';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { applyEvents } from '../earning/events/apply.js';
import { EventEnvelope } from '../earning/events/types.js';
import { refusal } from '../errors.js';
import { createRegistry, loadPrograms } from '../programs/index.js';
import { asAuditedCommand } from './audited.js';
import { openMigratedDb, type StorageOptions } from './database.js';
import { positiveInt, withStorage } from './options.js';
import { progressBar } from './progress.js';

interface ImportOptions extends StorageOptions {
  program: string;
  programs?: string;
  batch: number;
}

/**
 * `pointbook import events.ndjson`: the same events as POST /v1/programs/{p}/events, one JSON
 * object per line, applied in batches (one transaction and one commit per batch). Events are
 * idempotent by id, so a re-import, or a resume after a crash, changes nothing already applied.
 */
export function registerImportCommand(program: Command, config: Config): void {
  withStorage(
    program
      .command('import')
      .description('apply upstream events from an NDJSON file (one event per line); a re-import changes nothing')
      .argument('<file>', 'NDJSON file of events: {id, type, member, occurredAt, data}')
      .requiredOption('--program <key>', 'the program the events belong to')
      .option('--programs <dir>', 'program definitions (default examples/programs)')
      .option('--batch <n>', 'events per transaction', positiveInt, 500),
  ).action(async (file: string, options: ImportOptions) => {
    const registry = createRegistry(loadPrograms(options.programs ?? config.programsDir));
    const target = registry.get(options.program);
    if (!target) throw refusal('unknown_program', `no program "${options.program}"`);
    const opened = await openMigratedDb(config, options);
    const totals = { applied: 0, duplicate: 0, rejected: 0 };
    const bar = progressBar('import');
    bar.start(statSync(file).size);
    let bytes = 0;
    let lineNo = 0;
    let batch: EventEnvelope[] = [];
    const flush = () =>
      asAuditedCommand('import', [target.key, basename(file)], opened, async (db) => {
        const results = await applyEvents(db, target, batch, { now: systemClock.now(), actor: 'import' });
        for (const r of results) {
          totals[r.status] += 1;
          if (r.status === 'rejected') process.stderr.write(`\nevent ${r.id}: rejected (${r.code}) ${r.message ?? ''}\n`);
        }
        batch = [];
        bar.update(bytes);
      });
    try {
      for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
        lineNo += 1;
        bytes += Buffer.byteLength(line) + 1;
        if (line.trim() === '') continue;
        batch.push(parseLine(line, file, lineNo));
        if (batch.length >= options.batch) await flush();
      }
      if (batch.length > 0) await flush();
    } finally {
      bar.stop();
      await opened.close();
    }
    process.stdout.write(`imported ${lineNo} lines: ${totals.applied} applied, ${totals.duplicate} duplicate, ${totals.rejected} rejected\n`);
  });
}

function parseLine(line: string, file: string, lineNo: number): EventEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw refusal('invalid_request', `${file}:${lineNo}: not JSON`);
  }
  if (!Value.Check(EventEnvelope, value)) {
    const first = Value.Errors(EventEnvelope, value)[0];
    throw refusal('invalid_request', `${file}:${lineNo}: ${first?.instancePath || 'event'} ${first?.message ?? 'is not an event'}`);
  }
  return value;
}
