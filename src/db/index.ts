import type { Statement } from './statement.js';

export { statement, type Statement } from './statement.js';

/** Anything that runs statements: the database itself or an open transaction. */
export interface Queryable {
  query<Row = Record<string, unknown>>(statement: Statement, values?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations, test set-up). */
  exec(sql: string): Promise<void>;
}

/**
 * The one interface the domains see, for PGlite and node-postgres alike. `transaction` runs `fn`
 * in one BEGIN … COMMIT on one connection and rolls back if it throws.
 */
export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export { openDb, type OpenDbOptions } from './open.js';
export { migrate, migrationFiles } from './migrate.js';
export { openMigratedMemoryDb } from './memory.js';
export { createScratchDatabase, type ScratchDatabase } from './scratch.js';
