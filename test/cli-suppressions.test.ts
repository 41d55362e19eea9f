import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { TestClock } from '../src/clock.js';
import { createScratchDatabase, migrate, openDb, type Db, type ScratchDatabase } from '../src/db/index.js';
import { assembleApp } from '../src/http/assemble.js';
import { loadPrograms } from '../src/programs/index.js';
import { backendNames } from './support/databases.js';
import { pointbookCommand } from './support/server-process.js';

/**
 * `pointbook export suppressions` (DN-3, DN-4: the list an outside call centre applies), run as an
 * operator runs it, on each backend: on a PGlite data directory, and with DATABASE_URL on PostgreSQL.
 * The request is filed through the API beforehand, and the database closed, as the CLI needs it.
 */
const cli = pointbookCommand;
const TOKEN = 'suppressions-test-token';

for (const backend of backendNames()) {
  describe(`pointbook export suppressions [${backend}]`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pointbook-suppressions-'));
    let scratch: ScratchDatabase | undefined;
    let requestId = '';
    const externalId = `SN-CLI-${process.pid}`;
    const env = () => ({ ...process.env, DATABASE_URL: scratch?.url ?? '', POINTBOOK_LOG_LEVEL: 'warn' });
    const exportCsv = (...args: string[]) =>
      spawnSync(process.execPath, [...cli, 'export', 'suppressions', '--program', 'sonet', '--data', dataDir, ...args], { env: env(), encoding: 'utf8', timeout: 180_000 });

    before(async () => {
      let db: Db;
      if (backend === 'postgres') {
        scratch = await createScratchDatabase(process.env.DATABASE_URL ?? '', 'pointbook_test');
        db = await openDb({ databaseUrl: scratch.url, poolSize: 2 });
      } else {
        mkdirSync(join(dataDir, 'pglite'), { recursive: true });
        db = await openDb({ dataDir: join(dataDir, 'pglite') });
      }
      try {
        await migrate(db);
        // A Wednesday long past, so the request is in effect by the wall clock the CLI exports up to.
        const clock = new TestClock(Temporal.Instant.from('2025-01-08T10:00:00+09:00'));
        const { app } = await assembleApp({ db, programs: loadPrograms('examples/programs'), clock, adminToken: TOKEN });
        try {
          const call = async (url: string, payload: Record<string, unknown>) => {
            const response = await app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${TOKEN}` }, payload });
            assert.ok(response.statusCode < 300, response.body);
            return response.json<{ id: string }>();
          };
          const member = await call('/v1/programs/sonet/members', { externalId, name: '鈴木 一郎', phone: '090-5555-0101' });
          const contract = { id: `c-${externalId}`, type: 'contract.started', member: { externalId }, occurredAt: '2024-12-01T10:00:00+09:00', data: { contractId: `SN-${externalId}`, type: 'sonet-hikari' } };
          await call('/v1/programs/sonet/events', { events: [contract] });
          const verification = { name: '鈴木一郎', phone: '09055550101', contractNumber: `SN-${externalId}` };
          requestId = (await call(`/v1/members/${member.id}/contact-requests`, { kind: 'do_not_solicit', channel: 'phone', scope: 'company', takenBy: 'staff', verification })).id;
        } finally {
          await app.close();
        }
      } finally {
        await db.close();
      }
    });
    after(async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await scratch?.drop();
    });

    it('writes the changes of a scope as CSV, then only what is new since the last export', () => {
      const first = exportCsv('--scope', 'company');
      assert.equal(first.status, 0, first.stderr);
      const lines = first.stdout.split('\r\n').filter((l) => l !== '');
      assert.equal(lines[0], 'customer_id,phone,channel,scope,action,effective_at,request_id');
      // Phone, two business days after Wednesday: Friday 2025-01-10 00:00 JST.
      assert.deepEqual(lines.slice(1), [`${externalId},090-5555-0101,phone,company,suppress,2025-01-09T15:00:00Z,${requestId}`]);
      assert.match(first.stderr, /^1 changes of scope company in \(1970-01-01T00:00:00Z, .+\]\n$/);

      const next = exportCsv('--scope', 'company');
      assert.equal(next.status, 0, next.stderr);
      assert.equal(next.stdout, 'customer_id,phone,channel,scope,action,effective_at,request_id\r\n', 'already exported');
      const since = exportCsv('--scope', 'company', '--since', '2025-01-01T00:00:00Z');
      assert.equal(since.stdout.split('\r\n').filter((l) => l.includes(requestId)).length, 1, '--since exports again from that instant');
      const affiliates = exportCsv('--scope', 'partners');
      assert.ok(!affiliates.stdout.includes(requestId), 'a company-only stop is not on an affiliate’s list');
    });

    it('refuses a program without consent, with its code', () => {
      const refused = spawnSync(process.execPath, [...cli, 'export', 'suppressions', '--program', 'flets-club', '--scope', 'company', '--data', dataDir], { env: env(), encoding: 'utf8', timeout: 180_000 });
      assert.notEqual(refused.status, 0);
      assert.match(refused.stderr, /consent_not_configured|no consent section/);
    });
  });
}
