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
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    exec: async (sql) => {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}
