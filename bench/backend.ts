import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase, migrate, openDb, statement, type Db, type Queryable } from '../src/db/index.js';

export type BackendName = 'pglite' | 'postgres';

export interface Backend {
  name: BackendName;
  db: Db;
  /** `select version()` of the server the workloads ran on. */
  serverVersion: string;
  /** Where the data lives: "memory", a temp dir, or the database name on the server. */
  location: string;
  /** Closes the database and removes it (drops the PostgreSQL database, deletes the PGlite dir). */
  dispose(): Promise<void>;
}

export interface BackendOptions {
  /** The server to create the run's database on (postgres only). */
  databaseUrl?: string | undefined;
  /** PGlite in a temp dir instead of in memory. */
  pgliteOnDisk?: boolean;
  poolSize: number;
}

const serverVersion = statement('bench.serverVersion', 'select version() as version');
const walPosition = statement('bench.walPosition', `select (pg_current_wal_lsn() - '0/0')::bigint as bytes`);

/**
 * Bytes of WAL written so far, server-wide (on a shared server, other databases' writes count too).
 * The difference around a phase, per operation, shows what each commit has to flush.
 */
export async function walBytes(db: Queryable): Promise<number> {
  const [row] = await db.query<{ bytes: number }>(walPosition);
  return row?.bytes ?? 0;
}

/** WAL bytes per unit of work between `start()` and `perUnit(count)`. */
export function walMeter(db: Queryable): { start(): Promise<void>; perUnit(count: number): Promise<number> } {
  let started = 0;
  return {
    async start() {
      started = await walBytes(db);
    },
    async perUnit(count) {
      return Math.round(((await walBytes(db)) - started) / Math.max(1, count));
    },
  };
}

/**
 * A fresh, migrated database for one run: PGlite in memory (or a temp dir), or a new database on the
 * server of DATABASE_URL, as test/support/databases.ts makes them. Benchmarks never touch existing data.
 */
export async function openBackend(name: BackendName, options: BackendOptions): Promise<Backend> {
  const backend = name === 'pglite' ? await openPgliteBackend(options) : await openPostgresBackend(options);
  try {
    await migrate(backend.db);
    const [row] = await backend.db.query<{ version: string }>(serverVersion);
    return { ...backend, serverVersion: row?.version ?? 'unknown' };
  } catch (error) {
    await backend.dispose();
    throw error;
  }
}

async function openPgliteBackend(options: BackendOptions): Promise<Backend> {
  const dir = options.pgliteOnDisk ? await mkdtemp(join(tmpdir(), 'pointbook-bench-')) : undefined;
  const db = await openDb({ dataDir: dir });
  return {
    name: 'pglite',
    db,
    serverVersion: '',
    location: dir ?? 'memory',
    dispose: async () => {
      await db.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgresBackend(options: BackendOptions): Promise<Backend> {
  const serverUrl = options.databaseUrl;
  if (!serverUrl) throw new Error('the postgres backend needs DATABASE_URL');
  const scratch = await createScratchDatabase(serverUrl, 'pointbook_bench');
  const database = scratch.name;
  let db: Db;
  try {
    db = await openDb({ databaseUrl: scratch.url, poolSize: options.poolSize });
  } catch (error) {
    await scratch.drop();
    throw error;
  }
  return {
    name: 'postgres',
    db,
    serverVersion: '',
    location: database,
    dispose: async () => {
      await db.close().catch(() => {});
      await scratch.drop();
    },
  };
}

/**
 * Settles the database before a timed phase: fresh planner statistics for what was just seeded, and
 * on PostgreSQL a checkpoint, so one phase's dirty pages are not flushed during the next one's timing.
 */
export async function settle(backend: Backend): Promise<void> {
  await backend.db.exec('analyze');
  if (backend.name !== 'postgres') return;
  await backend.db.exec('checkpoint').catch((error: unknown) => {
    // CHECKPOINT needs superuser or pg_checkpoint; without it the run is only noisier.
    if ((error as { code?: unknown }).code !== '42501') throw error;
  });
}
