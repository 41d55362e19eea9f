import type { Db } from './index.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export interface OpenDbOptions {
  /** PostgreSQL when set; otherwise PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite's directory; undefined keeps PGlite in memory. */
  dataDir?: string | undefined;
  poolSize?: number;
}

export function openDb(options: OpenDbOptions): Promise<Db> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openPglite(options.dataDir);
}
