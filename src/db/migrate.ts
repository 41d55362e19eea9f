import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './index.js';
import { statement } from './statement.js';

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

// Any constant works; it only has to be the same in every process that migrates.
const MIGRATION_LOCK = 7_400_001;

const createTable = `create table if not exists schema_migrations (
  version text primary key,
  applied_at timestamptz not null default now()
)`;
const listApplied = statement('db.listMigrations', 'select version from schema_migrations');
const recordApplied = statement('db.recordMigration', 'insert into schema_migrations (version) values ($1)');

/** Numbered, forward-only SQL files: `0001-ledger.sql`, … */
export function migrationFiles(): string[] {
  return readdirSync(migrationsDir)
    .filter((name) => /^\d{4}-[a-z0-9-]+\.sql$/.test(name))
    .sort();
}

/** Names the schema the migrations make: the same files, the same digest. */
export function migrationsDigest(): string {
  const hash = createHash('sha256');
  for (const file of migrationFiles()) hash.update(file).update('\0').update(readFileSync(join(migrationsDir, file))).update('\0');
  return hash.digest('hex');
}

/**
 * Applies the migrations not yet applied, each in its own transaction, in file order.
 * Several processes may start at once: a session advisory lock lets one migrate while the
 * others wait, then find nothing left to do. Returns the versions applied now.
 */
export async function migrate(db: Db): Promise<string[]> {
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    // A transaction-scoped lock, so a crash can never leave it held.
    await tx.query(statement('db.lockMigrations', 'select pg_advisory_xact_lock($1)'), [MIGRATION_LOCK]);
    await tx.query(statement('db.createMigrations', createTable));
    const done = new Set((await tx.query<{ version: string }>(listApplied)).map((row) => row.version));
    for (const file of migrationFiles()) {
      const version = file.replace(/\.sql$/, '');
      if (done.has(version)) continue;
      await tx.exec(readFileSync(join(migrationsDir, file), 'utf8'));
      await tx.query(recordApplied, [version]);
      applied.push(version);
    }
  });
  return applied;
}
