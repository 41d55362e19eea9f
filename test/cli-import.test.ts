import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { migrate, openDb, statement } from '../src/db/index.js';
import { Temporal } from 'temporal-polyfill';
import { getBalance } from '../src/ledger/index.js';
import { enrolMember } from '../src/members/index.js';
import { loadPrograms, syncPrograms } from '../src/programs/index.js';
import { pointbookCommand } from './support/server-process.js';

const env = { ...process.env, DATABASE_URL: '', POINTBOOK_LOG_LEVEL: 'warn' };
const cli = (args: string[]) => spawnSync(process.execPath, [...pointbookCommand, ...args], { env, encoding: 'utf8', timeout: 180_000 });

describe('pointbook import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pointbook-import-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('applies NDJSON events in batches, and a re-import changes nothing', async () => {
    const data = join(dir, 'data');
    const members = 30;
    const lines: string[] = [];
    for (let m = 0; m < members; m += 1) {
      lines.push(JSON.stringify({ id: `c-${m}`, type: 'contract.started', member: { externalId: `M-${m}` }, occurredAt: '2026-04-10T00:00:00+09:00', data: { contractId: `C-${m}`, type: 'flets-hikari', commitmentDiscount: true } }));
    }
    lines.push('');
    lines.push(JSON.stringify({ id: 'x-1', type: 'contract.started', member: { externalId: 'nobody' }, occurredAt: '2026-04-10T00:00:00+09:00', data: { contractId: 'C-x', type: 'flets-hikari' } }));
    const file = join(dir, 'events.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);

    // The members exist first (enrolment is the members API's, not the importer's).
    mkdirSync(join(data, 'pglite'), { recursive: true });
    const seed = await openDb({ dataDir: join(data, 'pglite') });
    await migrate(seed);
    const now = Temporal.Instant.from('2026-04-01T00:00:00+09:00');
    await syncPrograms(seed, loadPrograms('examples/programs'), now);
    for (let m = 0; m < members; m += 1) {
      await seed.transaction((tx) => enrolMember(tx, { program: 'flets-club', externalId: `M-${m}` }, { now, actor: 'test' }));
    }
    await seed.close();

    const first = cli(['import', file, '--program', 'flets-club', '--data', data, '--batch', '7']);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /30 applied, 0 duplicate, 1 rejected/);
    assert.match(first.stderr, /event x-1: rejected \(unknown_member\)/);
    const second = cli(['import', file, '--program', 'flets-club', '--data', data]);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /0 applied, 30 duplicate, 1 rejected/);

    const grant = cli(['jobs', 'run', 'monthly-grant', '--program', 'flets-club', '--month', '2026-05', '--data', data]);
    assert.equal(grant.status, 0, grant.stderr);
    assert.match(grant.stdout, /monthly-grant 2026-05: done \(.*created 30/);

    const check = await openDb({ dataDir: join(data, 'pglite') });
    const [count] = await check.query<{ n: number }>(statement('test.contracts', 'select count(*)::int as n from member_contracts'));
    assert.equal(count?.n, members);
    const [one] = await check.query<{ member_id: string }>(statement('test.oneMember', `select member_id from member_directory where external_id = 'M-0'`));
    assert.ok(one);
    assert.equal((await getBalance(check, one.member_id, now))?.available, 500);
    // J1: the import's commits are attributed like a request's: 30 events in batches of 7 → 5
    // transactions (the re-import changed nothing, so it wrote no audit row).
    const audit = await check.query<{ actor: string; action: string; targets: string[] }>(
      statement('test.importAudit', `select actor, action, targets from audit_log where action = 'cli:import' order by id`),
    );
    assert.equal(audit.length, 5, JSON.stringify(audit));
    for (const row of audit) {
      assert.match(row.actor, /^cli:\S+$/);
      const [programKey, fileName, ...changed] = row.targets;
      assert.deepEqual([programKey, fileName], ['flets-club', 'events.ndjson']);
      assert.ok(changed.length > 0 && changed.every((id) => id.startsWith('mbr_')), `the members the batch changed: ${changed.join(', ')}`);
    }
    const [jobAudit] = await check.query<{ n: number }>(statement('test.jobAudit', `select count(*)::int as n from audit_log where action = 'job:monthly-grant'`));
    assert.ok((jobAudit?.n ?? 0) > 0, 'jobs run from the command line are audited too');
    await check.close();

    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, '{"id": "z"}\n');
    const refused = cli(['import', bad, '--program', 'flets-club', '--data', data]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /bad.ndjson:1:/);
  });
});
