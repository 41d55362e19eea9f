import pg from 'pg';
import type { Db, Queryable } from './index.js';
import type { Statement } from './statement.js';
import { OID, parseDate, parseInt8, parseTimestamptz } from './types.js';

const overrides = new Map<number, (text: string) => unknown>([
  [OID.INT8, parseInt8],
  [OID.TIMESTAMPTZ, parseTimestamptz],
  [OID.DATE, parseDate],
]);

const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    return overrides.get(oid) ?? pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** PostgreSQL through a node-postgres pool; each statement is prepared once per connection by name. */
export async function openPostgres(connectionString: string, poolSize: number): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max: poolSize, types: typeParsers, options: '-c TimeZone=UTC' });
  // An idle client that loses its connection emits here; the pool replaces it on next use.
  pool.on('error', () => {});

  const run = async <Row>(on: pg.Pool | pg.PoolClient, stmt: Statement, values?: readonly unknown[]) => {
    const result = await on.query<Row & pg.QueryResultRow>({ name: stmt.name, text: stmt.text, values: values ? [...values] : [] });
    return result.rows as Row[];
  };

  return {
    kind: 'postgres',
    query: (stmt, values) => run(pool, stmt, values),
    transaction: async (fn) => {
      const client = await pool.connect();
      // A checked-out client whose connection dies emits 'error' with no pool listener attached:
      // unheard, that is an uncaught exception ending the process (C2: a lost connection must be
      // an unknown outcome, not a crash). The query in flight rejects too, which is what fn sees.
      let broken: unknown;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await client.query('begin');
        const scoped: Queryable = {
          query: (stmt, values) => run(client, stmt, values),
          exec: async (sql) => {
            await client.query(sql);
          },
        };
        const result = await fn(scoped);
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch((rollbackError: unknown) => {
          broken ??= rollbackError;
        });
        throw error;
      } finally {
        client.off('error', onError);
        // A broken connection goes out of the pool rather than back to it.
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    exec: async (sql) => {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}
