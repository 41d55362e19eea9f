import { mkdirSync } from 'node:fs';
import type { Config } from '../config.js';
import { migrate, openDb, type Db } from '../db/index.js';

export interface StorageOptions {
  data?: string;
  memory?: boolean;
}

/** PostgreSQL when DATABASE_URL is set; otherwise PGlite in --data DIR (default ./data) or --memory. */
export async function openConfiguredDb(config: Config, options: StorageOptions): Promise<Db> {
  if (config.databaseUrl) return openDb({ databaseUrl: config.databaseUrl, poolSize: config.poolSize });
  if (options.memory) return openDb({});
  const dataDir = `${options.data ?? config.dataDir}/pglite`;
  mkdirSync(dataDir, { recursive: true });
  return openDb({ dataDir });
}

export async function openMigratedDb(config: Config, options: StorageOptions): Promise<Db> {
  const db = await openConfiguredDb(config, options);
  await migrate(db);
  return db;
}

export function describeDb(config: Config, options: StorageOptions): string {
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    return `PostgreSQL ${url.host}${url.pathname}`;
  }
  return options.memory ? 'PGlite (in memory)' : `PGlite (${options.data ?? config.dataDir}/pglite)`;
}
