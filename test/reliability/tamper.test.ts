import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sealAuditLog, verifyAuditLog } from '../../src/audit/index.js';
import { statement, type Queryable } from '../../src/db/index.js';
import { applyOperations, openAccount, sealLedger, verifyLedgerChain, type ChainReport } from '../../src/ledger/index.js';
import { describeStorage } from '../support/databases.js';
import { credit, newMemberId, PROGRAM, seededRandom, T0 } from '../support/ledger-fixtures.js';

/**
 * RELIABILITY J2: a 10^5-row audit log and a 10^5-transaction ledger are sealed; then one row is
 * edited, deleted or inserted — the first row, the last, and rows drawn by a printed seed — and the
 * verifier must report it, naming that row. Each tampering happens in a transaction the test rolls
 * back after verifying inside it, so every trial starts from the sealed, sound state.
 */
/** 10^4 in npm test, 10^5 (J2's size) in npm run test:nightly; TAMPER_ROWS, a multiple of 1,000, sets it. */
const ROWS = Number(process.env.TAMPER_ROWS ?? 10_000);
const PER_TRANSACTION = 1_000;
const seed = Number(process.env.TAMPER_SEED ?? Date.now() % 1_000_000);
console.log(`tamper: seed ${seed} (TAMPER_SEED=${seed} reproduces)`);

const rows = seededRandom(seed);

const fillAudit = statement('test.tamper.fillAudit', `
  insert into audit_log (id, at, actor, action, targets, request_id, ip, job_run)
  select 'aud_' || lpad(($1 * 1000 + g)::text, 26, '0'), $2::timestamptz + make_interval(secs => g), 'operator:opr_tamper',
         'POST /v1/members/:id/adjustments', array['mbr_' || lpad(g::text, 26, '0')], 'req-' || ($1 * 1000 + g), '127.0.0.1', null
  from generate_series(1, $3) g`);
const auditAt = statement('test.tamper.auditAt', `select xid, id from audit_chain where position = $1`);
const ledgerAt = statement('test.tamper.ledgerAt', `select xid, member_id, journal_id from ledger_chain where position = $1`);
const sql = (name: string, text: string) => statement(`test.tamper.${name}`, text);

class Rollback extends Error {}

/**
 * Seals until `expected` rows are sealed. On a shared PostgreSQL server another database's writing
 * transaction, still open, holds the horizon back (as it should: the sealer takes only rows no
 * running transaction can precede), so one call may seal part; the rest comes with the next.
 */
async function sealFully(seal: () => Promise<number>, expected: number): Promise<number> {
  let sealed = 0;
  for (let attempt = 0; sealed < expected && attempt < 300; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    sealed += await seal();
  }
  return sealed;
}

describeStorage(`tamper evidence: hash-chained audit log and ledger of ${ROWS} rows each (J2)`, (ctx) => {
  /** Tampers inside a transaction, verifies there, and rolls back. */
  async function tampered(change: (tx: Queryable) => Promise<void>, verify: (tx: Queryable) => Promise<ChainReport>): Promise<ChainReport> {
    let report: ChainReport | undefined;
    await assert.rejects(
      ctx.db.transaction(async (tx) => {
        await change(tx);
        report = await verify(tx);
        throw new Rollback();
      }),
      Rollback,
    );
    assert.ok(report);
    return report;
  }

  before(async () => {
    for (let t = 0; t < ROWS / PER_TRANSACTION; t += 1) {
      await ctx.db.transaction((tx) => tx.query(fillAudit, [t, T0.toString(), PER_TRANSACTION]));
    }
    const members = Array.from({ length: PER_TRANSACTION }, () => newMemberId());
    for (const member of members) await openAccount(ctx.db, member, PROGRAM, T0);
    for (let t = 0; t < ROWS / PER_TRANSACTION; t += 1) {
      const results = await applyOperations(ctx.db, members.map((m) => credit(m, 1 + t, { reason: `batch ${t}`, expiresAt: T0.add({ hours: 24 * 400 }) })), T0.add({ seconds: t }));
      assert.ok(results.every((r) => r.status === 'created'));
    }
  });

  it('seals every row of each log, and verifies them sound', async () => {
    assert.equal(await sealFully(() => sealAuditLog(ctx.db), ROWS), ROWS);
    assert.equal(await sealFully(() => sealLedger(ctx.db), ROWS), ROWS);
    for (const report of [await verifyAuditLog(ctx.db), await verifyLedgerChain(ctx.db)]) {
      assert.equal(report.problem, undefined, report.problem?.message);
      assert.deepEqual([report.sealedRows, report.unsealedRows, report.head.position], [ROWS, 0, ROWS]);
    }
    assert.equal(await sealAuditLog(ctx.db), 0, 'nothing left to seal');
  });

  // Every trial verifies the whole chain of 10^5 rows, so trials are few: each kind of tampering
  // once or twice, at the first row, the last, and rows drawn by the seed.
  const drawn = () => rows.int(2, ROWS - 1);
  const [r1, r2, r3, r4, r5, r6] = [drawn(), drawn(), drawn(), drawn(), drawn(), drawn()];

  it('names the audit row edited, deleted (with or without its chain entry) or inserted', async () => {
    const rowAt = async (position: number) => {
      const [row] = await ctx.db.query<{ xid: number; id: string }>(auditAt, [position]);
      assert.ok(row);
      return row;
    };
    const edit = (id: string) => async (tx: Queryable) => void (await tx.query(sql('editAudit', `update audit_log set actor = 'operator:forged' where id = $1`), [id]));
    for (const position of [1, ROWS, r1]) {
      const { id } = await rowAt(position);
      assert.deepEqual(pick(await tampered(edit(id), verifyAuditLog)), { kind: 'changed', row: id, position });
    }
    const deleted = await rowAt(r2);
    const report = await tampered((tx) => tx.query(sql('deleteAudit', `delete from audit_log where id = $1`), [deleted.id]).then(), verifyAuditLog);
    assert.deepEqual(pick(report), { kind: 'deleted', row: deleted.id, position: r2 });
    for (const [position, kind] of [[r3, 'missing'], [ROWS, 'truncated']] as const) {
      const { id } = await rowAt(position);
      const erased = await tampered(async (tx) => {
        await tx.query(sql('deleteAuditToo', `delete from audit_log where id = $1`), [id]);
        await tx.query(sql('deleteChainEntry', `delete from audit_chain where position = $1`), [position]);
      }, verifyAuditLog);
      assert.deepEqual(pick(erased), { kind, position }, erased.problem?.message);
    }
    const beside = await rowAt(r4);
    const forged = `${beside.id}0`;
    const inserted = await tampered(
      (tx) => tx.query(sql('insertAudit', `insert into audit_log (xid, id, at, actor, action, targets) select xid, $2, at, actor, action, targets from audit_log where id = $1`), [beside.id, forged]).then(),
      verifyAuditLog,
    );
    assert.deepEqual(pick(inserted), { kind: 'inserted', row: forged });
  });

  it('names the ledger transaction whose row, posting or allocation was edited, deleted or inserted', async () => {
    const transactionAt = async (position: number) => {
      const [t] = await ctx.db.query<{ xid: number; member_id: string; journal_id: string }>(ledgerAt, [position]);
      assert.ok(t);
      return { key: `${t.member_id} ${t.journal_id}`, ids: [t.member_id, t.journal_id], member: t.member_id, journal: t.journal_id };
    };
    const changes: [string, number, string][] = [
      ['reason', 1, `update ledger_journal set reason = 'forged' where member_id = $1 and id = $2`],
      ['posting', ROWS, `update ledger_postings set amount = amount + 1 where member_id = $1 and journal_id = $2 and account = 'member:available'`],
      ['points', r1, `update ledger_journal set points = points + 1 where member_id = $1 and id = $2`],
      ['posting deleted', r2, `delete from ledger_postings where member_id = $1 and journal_id = $2 and account like 'program:%'`],
      ['posting added', r3, `insert into ledger_postings (member_id, journal_id, account, amount) values ($1, $2, 'program:forged', 1)`],
      ['allocation', r4, `update ledger_allocations set remaining_delta = remaining_delta + 1 where member_id = $1 and journal_id = $2`],
    ];
    for (const [what, position, text] of changes) {
      const t = await transactionAt(position);
      const report = await tampered((tx) => tx.query(sql(`ledger.${what}`, text), t.ids).then(), verifyLedgerChain);
      assert.deepEqual(pick(report), { kind: 'changed', row: t.key, position }, `${what}: ${report.problem?.message}`);
    }
    const gone = await transactionAt(r5);
    const deleted = await tampered(async (tx) => {
      for (const table of ['ledger_allocations', 'ledger_postings']) await tx.query(sql(`ledger.delete.${table}`, `delete from ${table} where member_id = $1 and journal_id = $2`), gone.ids);
      await tx.query(sql('ledger.delete.journal', `delete from ledger_journal where member_id = $1 and id = $2`), gone.ids);
    }, verifyLedgerChain);
    assert.deepEqual(pick(deleted), { kind: 'deleted', row: gone.key, position: r5 });
    const beside = await transactionAt(r6);
    const forged = `${beside.journal}0`;
    const inserted = await tampered(async (tx) => {
      await tx.query(sql('ledger.insert.journal', `
        insert into ledger_journal (member_id, id, op, kind, idempotency_key, request_hash, points, available_delta, pending_delta,
          available_after, pending_after, counter_account, occurred_at, recorded_at, actor, xid)
        select member_id, $3, op, kind, idempotency_key || '-forged', request_hash, points, available_delta, pending_delta,
          available_after, pending_after, counter_account, occurred_at, recorded_at, actor, xid
        from ledger_journal where member_id = $1 and id = $2`), [...beside.ids, forged]);
      await tx.query(sql('ledger.insert.postings', `
        insert into ledger_postings (member_id, journal_id, account, amount)
        select member_id, $3, account, amount from ledger_postings where member_id = $1 and journal_id = $2`), [...beside.ids, forged]);
    }, verifyLedgerChain);
    assert.deepEqual(pick(inserted), { kind: 'inserted', row: `${beside.member} ${forged}` });
  });

  it('reports rows written since the last seal as not yet covered, and seals them next', async () => {
    await ctx.db.transaction((tx) => tx.query(fillAudit, [ROWS / PER_TRANSACTION, T0.toString(), 3]));
    const report = await verifyAuditLog(ctx.db);
    assert.deepEqual([report.problem, report.sealedRows, report.unsealedRows], [undefined, ROWS, 3]);
    assert.equal(await sealFully(() => sealAuditLog(ctx.db), 3), 3);
    assert.deepEqual([(await verifyAuditLog(ctx.db)).unsealedRows, (await verifyAuditLog(ctx.db)).sealedRows], [0, ROWS + 3]);
  });

  it('catches a rewrite of the whole chain only against a head kept elsewhere (the limit of a chain in one database)', async () => {
    const anchor = (await verifyLedgerChain(ctx.db)).head;
    const [t] = await ctx.db.query<{ member_id: string; journal_id: string }>(ledgerAt, [7]);
    assert.ok(t);
    await ctx.db.query(sql('rewrite.edit', `update ledger_journal set reason = 'rewritten' where member_id = $1 and id = $2`), [t.member_id, t.journal_id]);
    await ctx.db.exec('delete from ledger_chain; delete from ledger_seals;');
    assert.equal(await sealFully(() => sealLedger(ctx.db), ROWS), ROWS);
    assert.equal((await verifyLedgerChain(ctx.db)).problem, undefined, 'a consistent rewrite passes on its own');
    const anchored = await verifyLedgerChain(ctx.db, anchor);
    assert.deepEqual(pick(anchored), { kind: 'anchor_mismatch', position: ROWS });
  });
});

function pick(report: ChainReport): Record<string, unknown> | undefined {
  const p = report.problem;
  if (!p) return undefined;
  return { kind: p.kind, ...(p.row === undefined ? {} : { row: p.row }), ...(p.position === undefined || p.kind === 'inserted' ? {} : { position: p.position }) };
}

