import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { verifyAuditLog } from '../audit/index.js';
import { statement } from '../db/index.js';
import { applyOperations, openAccount, verifyLedgerChain } from '../ledger/index.js';
import { describeStorage } from '../../test/support/databases.js';
import { credit, newMemberId, PROGRAM, T0 } from '../../test/support/ledger-fixtures.js';
import { runJob, schedulesFor } from './registry.js';
import type { Program } from '../programs/index.js';

const ctx = { now: T0, actor: 'test:seal' };
const writeAudit = statement('test.seal.writeAudit', `
  insert into audit_log (id, at, actor, action, targets, request_id, ip, job_run)
  select 'aud_seal' || lpad(($1 * 100 + g)::text, 22, '0'), $2::timestamptz, 'operator:opr_seal', 'POST /v1/members/:id/adjustments',
         array['mbr_seal'], 'req-seal-' || ($1 * 100 + g), '127.0.0.1', null
  from generate_series(1, $3) g`);
const forge = statement('test.seal.forge', `update ledger_journal set points = points + 1 where member_id = $1`);

describeStorage('the scheduled seal job (decision 74)', (s) => {
  const members = [newMemberId(), newMemberId(), newMemberId()];

  async function write(batch: number): Promise<void> {
    for (const member of members) await openAccount(s.db, member, PROGRAM, T0);
    const results = await applyOperations(s.db, members.map((m) => credit(m, 10 + batch)), T0.add({ seconds: batch }));
    assert.ok(results.every((r) => r.status === 'created'));
    await s.db.query(writeAudit, [batch, T0.toString(), 4]);
  }

  /**
   * Runs the job for later and later instants until both logs are sealed through: on a shared
   * PostgreSQL server another database's open transaction may hold the seal's horizon back a while.
   */
  async function sealThrough(from: Temporal.Instant): Promise<{ runs: number; counts: Record<string, number> }> {
    const counts: Record<string, number> = {};
    for (let hour = 0; hour < 100; hour += 1) {
      const outcome = await runJob(s.db, { job: 'seal', asOf: from.add({ hours: hour }) }, ctx);
      assert.equal(outcome.status, 'done');
      for (const [k, v] of Object.entries(outcome.counts)) counts[k] = (counts[k] ?? 0) + v;
      const reports = [await verifyAuditLog(s.db), await verifyLedgerChain(s.db)];
      if (reports.every((r) => r.unsealedRows === 0)) return { runs: hour + 1, counts };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail('the seal job never caught up with the logs');
  }

  it('chains every committed ledger transaction and audit row; a period runs once; later runs chain only what is new', async () => {
    await write(1);
    const first = await sealThrough(T0);
    assert.deepEqual([first.counts.ledger_rows, first.counts.audit_rows], [3, 4], 'the three credits and four audit rows');
    const again = await runJob(s.db, { job: 'seal', asOf: T0 }, ctx);
    assert.equal(again.status, 'already_done', 'the same hour is not sealed twice');

    await write(2);
    const second = await sealThrough(T0.add({ hours: 200 }));
    assert.deepEqual([second.counts.ledger_rows, second.counts.audit_rows], [3, 4], 'only the rows written since');
    const ledger = await verifyLedgerChain(s.db);
    assert.deepEqual([ledger.problem, ledger.sealedRows], [undefined, 6]);
  });

  it('what it sealed is tamper-evident: an edited transaction is named', async () => {
    await s.db.query(forge, [members[0]]);
    const report = await verifyLedgerChain(s.db);
    assert.equal(report.problem?.kind, 'changed', report.problem?.message);
    assert.match(report.problem?.message ?? '', new RegExp(members[0] ?? '-'));
  });

  it('is scheduled hourly for every program, program-independent like expiry', () => {
    const program = { key: 'p', timeZone: 'Asia/Tokyo' } as Program;
    const seal = schedulesFor(program).find((schedule) => schedule.job === 'seal');
    assert.equal(seal?.cron, '45 * * * *');
    assert.deepEqual(seal.request(T0), { job: 'seal', asOf: T0 });
  });
});
