import { refusal } from '../errors.js';

/**
 * Keyset pagination over time-ordered ids, newest first: the cursor is the last id of a page,
 * opaque to clients (base64url), and checked against the id's shape when it comes back.
 */
export function decodeCursor(cursor: string | undefined, idPattern: RegExp): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!idPattern.test(id)) throw refusal('invalid_request', 'querystring.cursor: is not a cursor this API gave out');
  return id;
}

/**
 * Reads one row more than `limit` (that row tells whether there is a next page) and returns the
 * page with the cursor of the next one.
 */
export async function keysetPage<Row extends { id: string }>(
  limit: number,
  read: (rowsToRead: number) => Promise<Row[]>,
): Promise<{ items: Row[]; nextCursor: string | null }> {
  const rows = await read(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? Buffer.from(last.id).toString('base64url') : null };
}
