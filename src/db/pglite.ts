import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import type { Db, Queryable } from './index.js';
import type { Statement } from './statement.js';
import { OID, parseDate, parseInt8, parseTimestamptz } from './types.js';

const parsers = {
  [OID.INT8]: parseInt8,
  [OID.TIMESTAMPTZ]: parseTimestamptz,
  [OID.DATE]: parseDate,
};

/**
 * PGlite: PostgreSQL compiled to WASM, in this process. One connection, so every query and
 * transaction is serialised by PGlite's own lock. `dataDir` undefined means in memory.
 * PGlite on Node never calls fsync: a killed process is safe, an OS crash or power loss is not.
 */
export async function openPglite(dataDir: string | undefined, options: { loadDataDir?: Blob } = {}): Promise<Db & { dump(): Promise<Blob> }> {
  const pglite = await PGlite.create(dataDir, { parsers, ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}) });
  await pglite.exec(`set time zone 'UTC'`);

  const run = async <Row>(on: PGlite | Transaction, stmt: Statement, values?: readonly unknown[]) => {
    const result = await on.query<Row>(stmt.text, values ? [...values] : []);
    return result.rows;
  };

  return {
    kind: 'pglite' as const,
    query: (stmt, values) => run(pglite, stmt, values),
    transaction: (fn) =>
      pglite.transaction((tx) => {
        const scoped: Queryable = {
          query: (stmt, values) => run(tx, stmt, values),
          exec: async (sql) => {
            await tx.exec(sql);
          },
        };
        return fn(scoped);
      }),
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    close: () => pglite.close(),
    dump: () => pglite.dumpDataDir('none'),
  };
}

export { types as pgliteTypes };
