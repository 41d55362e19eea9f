import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import { statement, type Db, type Queryable, type Statement } from '../db/index.js';

/**
 * A hash chain over an append-only log (RELIABILITY J2, decision 59), extended by a sealer after
 * the rows were written, so writers never wait on a chain head.
 *
 * Order: (xid, key), where xid is the writing transaction's id. The sealer takes only rows whose
 * transaction ended before every transaction still running (the snapshot's xmin, the horizon), so
 * no legitimate row can later appear below what was sealed; a row that does was inserted.
 * Each sealed row gets hash = sha256(previous hash, canonical row), stored beside its position;
 * each block gets a seal with its row count and the hash at its end.
 *
 * A log supplies statements with these shapes (see audit/sql.ts and ledger/seal.ts):
 * - `lock`: takes the log's sealer lock for the transaction (one sealer at a time)
 * - `last`: the last chain entry: position, xid, key, hash
 * - `next` ($1 xid, $2 key of the last sealed row, $3 horizon, $4 limit): rows after it below the horizon,
 *   in order: xid, key, body (jsonb holding every immutable column)
 * - `append` ($1 positions, $2 xids, $3 keys, $4 hashes): chain entries
 * - `seal` ($1 position, $2 rows, $3 head)
 * - `page` ($1 after position, $2 limit): chain entries in order with their row's body (null when gone)
 * - `seals`: position, rows, head of every seal, in order
 * - `strays` ($1 xid, $2 key of the last sealed row): the first row at or below it that is not in the chain
 * - `unsealed` ($1 xid, $2 key): how many rows lie past the last sealed one
 */
export interface ChainedLog {
  /** Names the log in messages: 'audit log', 'ledger'. */
  name: string;
  lock: Statement;
  last: Statement;
  next: Statement;
  append: Statement;
  seal: Statement;
  page: Statement;
  seals: Statement;
  strays: Statement;
  unsealed: Statement;
}

export const GENESIS = '0'.repeat(64);
/** A bound on one seal transaction, and on one page the verifier reads. */
const BLOCK_ROWS = 5_000;

const horizonNow = statement('chain.horizon', `select pg_snapshot_xmin(pg_current_snapshot())::text as horizon`);

export function chainHash(previous: string, body: unknown): string {
  return createHash('sha256').update(previous).update('\n').update(canonicalJson(body)).digest('hex');
}

interface Entry {
  position: number;
  xid: number;
  key: string;
  hash: string;
}

/**
 * Seals every row whose transaction has ended, in blocks of at most BLOCK_ROWS, each block in a
 * transaction of its own under the log's lock. Returns how many rows it sealed. Safe to run
 * concurrently with writers and with other sealers, and to stop at any point.
 */
export async function sealLog(db: Db, log: ChainedLog): Promise<number> {
  let sealed = 0;
  for (;;) {
    const block = await db.transaction((tx) => sealBlock(tx, log));
    sealed += block.rows;
    if (!block.more) return sealed;
  }
}

/**
 * Seals the next block of at most BLOCK_ROWS rows in the caller's transaction (which must not
 * have written rows of this log itself). `more`: a full block, so there may be rows left.
 */
export async function sealBlock(tx: Queryable, log: ChainedLog): Promise<{ rows: number; more: boolean }> {
  const rows = await sealRows(tx, log);
  return { rows, more: rows === BLOCK_ROWS };
}

async function sealRows(tx: Queryable, log: ChainedLog): Promise<number> {
  await tx.query(log.lock);
  const [last] = await tx.query<Entry>(log.last);
  const [now] = await tx.query<{ horizon: string }>(horizonNow);
  if (!now) throw new Error('assertion failed: a snapshot has an xmin');
  if (last && Number(now.horizon) < last.xid) {
    // Transaction ids restarted (a logical dump restored into a new cluster): nothing new would
    // ever sort after the sealed rows. Refuse rather than chain rows out of order (decision 59).
    throw new Error(`${log.name}: the database's transaction ids (${now.horizon}) are below the last sealed row's (${last.xid}); see docs/decisions.md 59`);
  }
  const rows = await tx.query<{ xid: number; key: string; body: unknown }>(log.next, [last?.xid ?? -1, last?.key ?? '', now.horizon, BLOCK_ROWS]);
  if (rows.length === 0) return 0;
  let hash = last?.hash ?? GENESIS;
  let position = last?.position ?? 0;
  const positions: number[] = [];
  const hashes: string[] = [];
  for (const row of rows) {
    hash = chainHash(hash, row.body);
    position += 1;
    positions.push(position);
    hashes.push(hash);
  }
  await tx.query(log.append, [positions, rows.map((r) => r.xid), rows.map((r) => r.key), hashes]);
  await tx.query(log.seal, [position, rows.length, hash]);
  return rows.length;
}

export type ChainProblem =
  | { kind: 'changed'; position: number; row: string }
  | { kind: 'deleted'; position: number; row: string }
  | { kind: 'missing'; position: number; after: string | null }
  | { kind: 'seal_mismatch'; position: number; row: string }
  | { kind: 'truncated'; position: number; after: string | null }
  | { kind: 'inserted'; row: string }
  | { kind: 'anchor_mismatch'; position: number };

export interface ChainReport {
  log: string;
  sealedRows: number;
  /** Rows written since the last seal: not yet covered. */
  unsealedRows: number;
  /** The chain's last position and hash: print it, keep it elsewhere, and pass it back as an anchor. */
  head: { position: number; hash: string };
  /** The first thing found wrong, in chain order; undefined when the chain holds. */
  problem?: { kind: ChainProblem['kind']; message: string; position?: number; row?: string };
}

/** A head kept outside the database, to check the chain against (decision 59). */
export interface Anchor {
  position: number;
  hash: string;
}

/**
 * Recomputes the chain from its first row and reports the first row that was changed, deleted or
 * inserted since it was sealed. Reads the chain in pages; holds only the seals in memory.
 */
export async function verifyLog(db: Queryable, log: ChainedLog, anchor?: Anchor): Promise<ChainReport> {
  const seals = new Map((await db.query<{ position: number; head: string }>(log.seals)).map((s) => [s.position, s.head]));
  const lastSeal = Math.max(0, ...seals.keys());
  let hash = GENESIS;
  let expected = 1;
  let previous: Entry | undefined;
  let problem: ChainProblem | undefined;
  walk: for (;;) {
    const page = await db.query<Entry & { body: unknown }>(log.page, [expected - 1, BLOCK_ROWS]);
    for (const entry of page) {
      if (entry.position !== expected) {
        problem = { kind: 'missing', position: expected, after: previous?.key ?? null };
        break walk;
      }
      if (entry.body === null) {
        problem = { kind: 'deleted', position: entry.position, row: entry.key };
        break walk;
      }
      hash = chainHash(hash, entry.body);
      if (hash !== entry.hash) {
        problem = { kind: 'changed', position: entry.position, row: entry.key };
        break walk;
      }
      const seal = seals.get(entry.position);
      if (seal !== undefined && seal !== hash) {
        problem = { kind: 'seal_mismatch', position: entry.position, row: entry.key };
        break walk;
      }
      if (anchor && anchor.position === entry.position && anchor.hash !== hash) {
        problem = { kind: 'anchor_mismatch', position: entry.position };
        break walk;
      }
      previous = entry;
      expected += 1;
    }
    if (page.length < BLOCK_ROWS) break;
  }
  const sealedRows = expected - 1;
  if (!problem && lastSeal > sealedRows) problem = { kind: 'truncated', position: sealedRows + 1, after: previous?.key ?? null };
  if (!problem && anchor && anchor.position > sealedRows) problem = { kind: 'anchor_mismatch', position: anchor.position };
  if (!problem && previous) {
    const [stray] = await db.query<{ key: string }>(log.strays, [previous.xid, previous.key]);
    if (stray) problem = { kind: 'inserted', row: stray.key };
  }
  const [tail] = await db.query<{ count: number }>(log.unsealed, [previous?.xid ?? -1, previous?.key ?? '']);
  return {
    log: log.name,
    sealedRows,
    unsealedRows: tail?.count ?? 0,
    head: { position: sealedRows, hash: sealedRows === 0 ? GENESIS : hash },
    ...(problem ? { problem: describe(log.name, problem) } : {}),
  };
}

function describe(name: string, p: ChainProblem): NonNullable<ChainReport['problem']> {
  switch (p.kind) {
    case 'changed':
      return { ...p, message: `${name}: row ${p.row} (position ${p.position}) differs from the row that was sealed` };
    case 'deleted':
      return { ...p, message: `${name}: row ${p.row} (position ${p.position}) was sealed and is gone (deleted, or its key changed)` };
    case 'missing':
      return { ...p, message: `${name}: chain position ${p.position} is missing (after ${p.after ?? 'the start'}): a sealed row was deleted with its chain entry` };
    case 'seal_mismatch':
      return { ...p, message: `${name}: the seal at position ${p.position} (row ${p.row}) does not match the chain: the chain was rewritten before it` };
    case 'truncated':
      return { ...p, message: `${name}: the seals cover more rows than the chain holds: rows from position ${p.position} (after ${p.after ?? 'the start'}) were deleted` };
    case 'inserted':
      return { ...p, message: `${name}: row ${p.row} sorts among sealed rows but was never sealed: it was inserted afterwards` };
    case 'anchor_mismatch':
      return { ...p, message: `${name}: the chain at position ${p.position} does not match the anchored head: history before it was rewritten` };
  }
}
