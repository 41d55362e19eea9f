import type { Db, Queryable, Statement } from '../db/index.js';
import { newId } from '../ids.js';
import { auditScope, type AuditScope } from './scope.js';
import * as sql from './sql.js';

/**
 * Statements that may change rows: any insert, update, delete, merge or truncate, and the calls of
 * our plpgsql functions that write (the ledger's, redemption counters). A read misjudged as a write
 * only costs a transaction; a write misjudged as a read would go unaudited, which the J1 coverage
 * test (test/http/audit-coverage.test.ts) catches for every mutating route.
 */
const writing = /\b(insert|update|delete|merge|truncate)\b|\b(ledger|redemption)_\w+\s*\(/i;
// Statements are frozen constants: each is judged once, not on every query of every request.
const judged = new WeakMap<Statement, boolean>();
function mayWrite(statement: Statement): boolean {
  let writes = judged.get(statement);
  if (writes === undefined) judged.set(statement, (writes = writing.test(statement.text)));
  return writes;
}

/** Our ids (`mbr_` + ULID, `txn_` + 32 hex): never a secret (those are base64url) nor personal data. */
const ID = /^[a-z]{3}_(?:[0-9a-z]{26}|[0-9a-f]{32})$/;
const MAX_TARGETS = 50;

function collectIds(values: readonly unknown[] | undefined, into: Set<string>): void {
  for (const value of values ?? []) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (into.size >= MAX_TARGETS) return;
      if (typeof item === 'string' && ID.test(item)) into.add(item);
    }
  }
}

/**
 * The same database, with one addition (RELIABILITY J1, decision 58): inside an audit scope (a
 * request or a job run), every transaction that changed something also writes one audit row —
 * who, what, when, where and the ids written — as its last statement, so the row commits or rolls
 * back with the change. Whether the transaction changed anything is the database's answer
 * (`pg_current_xact_id_if_assigned()` in `audit_record`), not a guess: a read-only request writes no row. A write
 * outside a transaction is run in one with its audit row. Outside any scope nothing is added.
 */
export function auditWrites(db: Db): Db {
  const watch = (tx: Queryable, ids: Set<string>): Queryable => ({
    async query<Row>(statement: Statement, values?: readonly unknown[]) {
      if (mayWrite(statement)) collectIds(values, ids);
      return tx.query<Row>(statement, values);
    },
    exec: (text) => tx.exec(text),
  });
  return {
    kind: db.kind,
    async query<Row>(statement: Statement, values?: readonly unknown[]) {
      const scope = auditScope();
      if (!scope || !mayWrite(statement)) return db.query<Row>(statement, values);
      return db.transaction(async (tx) => {
        const ids = new Set<string>();
        const rows = await watch(tx, ids).query<Row>(statement, values);
        await record(tx, scope, ids);
        return rows;
      });
    },
    exec: (text) => db.exec(text),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const scope = auditScope();
      if (!scope) return db.transaction(fn);
      return db.transaction(async (tx) => {
        const ids = new Set<string>();
        const result = await fn(watch(tx, ids));
        await record(tx, scope, ids);
        return result;
      });
    },
    close: () => db.close(),
  };
}

async function record(tx: Queryable, scope: AuditScope, written: Set<string>): Promise<void> {
  const targets = [...new Set([...scope.targets, ...written])].slice(0, MAX_TARGETS);
  await tx.query(sql.recordIfChanged, [newId('aud'), scope.at.toString(), scope.actor, scope.action, targets, scope.requestId, scope.ip, scope.jobRun]);
}
