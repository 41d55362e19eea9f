import { createHash } from 'node:crypto';
import type { Temporal } from 'temporal-polyfill';
import { statement, type Queryable } from '../db/index.js';
import type { Program } from './schema.js';

const upsert = statement('programs.upsert', `
  insert into programs (key, name, definition, content_hash, loaded_at) values ($1, $2, $3, $4, $5)
  on conflict (key) do update set name = excluded.name, definition = excluded.definition,
    content_hash = excluded.content_hash, loaded_at = excluded.loaded_at
  where programs.content_hash <> excluded.content_hash`);

/**
 * Records the loaded definitions, so members can refer to their program and several servers on
 * one database agree on what is loaded. Unchanged definitions are left as they are.
 */
export async function syncPrograms(db: Queryable, programs: readonly Program[], now: Temporal.Instant): Promise<void> {
  for (const program of programs) {
    const json = JSON.stringify(storedDefinition(program));
    const hash = createHash('sha256').update(json).digest('hex');
    await db.query(upsert, [program.key, program.name, json, hash, now.toString()]);
  }
}

/**
 * What was loaded, as written: without file paths (which differ between machines and would change
 * the hash), and campaigns as their definitions rather than their compiled conditions.
 */
function storedDefinition(program: Program) {
  const { sourceFile: _sourceFile, sweepstakes, campaigns, ...definition } = program;
  return {
    ...definition,
    ...(sweepstakes ? { sweepstakes: sweepstakes.map(({ sourceFile: _file, ...rest }) => rest) } : {}),
    ...(campaigns ? { campaigns: campaigns.map((campaign) => campaign.definition) } : {}),
  };
}
