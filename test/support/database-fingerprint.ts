import { statement, type Db } from '../../src/db/index.js';

/**
 * What a database holds, table by table, to prove a request wrote nothing (RELIABILITY.md E3, K1):
 * every row of every table of the public schema, as PostgreSQL prints it. Same text on PGlite and
 * PostgreSQL; cheap on a test database of a few hundred rows.
 */
export type DatabaseRows = ReadonlyMap<string, readonly string[]>;

const listTables = statement('test.fingerprint.tables', `
  select table_name as name from information_schema.tables
  where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`);

/**
 * Tables a background deliverer updates after the commit that wrote them (attempts, sent_at):
 * compared by id, so a message written is seen and a delivery made meanwhile is not a change.
 */
const deliveredInBackground: Record<string, string> = { outbox_messages: 'id' };

export async function databaseRows(db: Db): Promise<DatabaseRows> {
  const tables = await db.query<{ name: string }>(listTables, []);
  const rows = new Map<string, string[]>();
  for (const { name } of tables) {
    const shown = deliveredInBackground[name] === undefined ? 't::text' : `t.${deliveredInBackground[name]}::text`;
    const dump = statement(`test.fingerprint.rows.${name}`, `select ${shown} as row from "${name}" t order by 1`);
    rows.set(name, (await db.query<{ row: string }>(dump, [])).map((r) => r.row));
  }
  return rows;
}

/** Rows added or changed since `before`, by table (a deleted row shows as `- row`). */
export function changedRows(before: DatabaseRows, after: DatabaseRows): Record<string, string[]> {
  const changes: Record<string, string[]> = {};
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const was = new Set(before.get(table) ?? []);
    const now = new Set(after.get(table) ?? []);
    const lines = [...[...now].filter((row) => !was.has(row)), ...[...was].filter((row) => !now.has(row)).map((row) => `- ${row}`)];
    if (lines.length > 0) changes[table] = lines;
  }
  return changes;
}
