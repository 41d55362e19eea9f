import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pointbookCommand } from './support/server-process.js';

/**
 * The product as a person runs it: the `pointbook` CLI on an empty data directory (PGlite),
 * exactly what `npm start` does, driven over real HTTP.
 */
const cli = pointbookCommand;
const env = { ...process.env, DATABASE_URL: '', POINTBOOK_ADMIN_TOKEN: '', POINTBOOK_LOG_LEVEL: 'warn' };

function runCli(args: string[]) {
  return spawnSync(process.execPath, [...cli, ...args], { env, encoding: 'utf8', timeout: 180_000 });
}

async function startServer(dataDir: string): Promise<{ child: ChildProcess; base: string; token: string }> {
  const child = spawn(process.execPath, [...cli, 'serve', '--data', dataDir, '--port', '0', '--test-clock', '2026-03-01T00:00:00+09:00'], { env });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // a server left running would keep the test process alive
      reject(new Error(`server did not start:\n${output}`));
    }, 180_000);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const base = /serving on (http:\/\/\S+)/.exec(output)?.[1];
      const token = /operator token \([^)]*\): (\S+)/.exec(output)?.[1];
      if (base && token && /test clock/.test(output)) {
        clearTimeout(timer);
        resolve({ child, base, token });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('pointbook CLI on an empty data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pointbook-cli-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves the API, keeps its token, expires by job and verifies the ledger', async () => {
    const first = await startServer(dataDir);
    let memberId: string;
    try {
      const auth = { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' };
      assert.equal((await fetch(`${first.base}/health`)).status, 200);
      const programs = await (await fetch(`${first.base}/v1/programs`, { headers: auth })).json();
      assert.ok(programs.some((p: { key: string }) => p.key === 'flets-club'));
      const member = await fetch(`${first.base}/v1/programs/flets-club/members`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ externalId: 'cli-1' }),
      });
      assert.equal(member.status, 201);
      memberId = (await member.json()).id;
      const credit = await fetch(`${first.base}/v1/members/${memberId}/adjustments`, {
        method: 'POST',
        headers: { ...auth, 'idempotency-key': 'cli-credit' },
        // FL-8: earned in fiscal 2025 (March 2026, JST) → expires at 2028-04-01T00:00 JST.
        body: JSON.stringify({ points: 500, reason: 'welcome' }),
      });
      assert.equal(credit.status, 201, await credit.text());
    } finally {
      await stop(first.child);
    }

    const second = await startServer(dataDir);
    try {
      assert.equal(second.token, first.token, 'the generated token is kept in the data directory');
    } finally {
      await stop(second.child);
    }

    const early = runCli(['jobs', 'run', 'expire', '--data', dataDir, '--as-of', '2028-03-31T23:59:59.999+09:00']);
    assert.equal(early.status, 0, early.stderr);
    assert.match(early.stdout, /expire 2028-03-31T14:59:59.999Z: done \(nothing to do\)/);
    const due = runCli(['jobs', 'run', 'expire', '--data', dataDir, '--as-of', '2028-04-01T00:00:00+09:00']);
    assert.equal(due.status, 0, due.stderr);
    assert.match(due.stdout, /expire 2028-03-31T15:00:00Z: done \(members 1, lots 1, points 500\)/);
    const rerun = runCli(['jobs', 'run', 'expire', '--data', dataDir, '--as-of', '2028-04-01T00:00:00+09:00']);
    assert.match(rerun.stdout, /already done/);

    const verify = runCli(['ledger', 'verify', '--data', dataDir]);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /invariants hold/);
  });

  it('explains bad arguments', () => {
    const bad = runCli(['jobs', 'run', 'expire', '--memory', '--as-of', 'tomorrow']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /ISO 8601 instant/);
    const help = runCli(['ledger', 'verify', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /zero/);
  });
});
