// Runs every *.test.ts under src/ and test/ with node:test through tsx.
// Node 20's runner has no glob support, so the file list is built here.
// Files named concurrency.test.ts open up to 64 PostgreSQL connections each (the server allows
// 100), so they run one at a time in a pass of their own; the other files run two at a time in a
// second pass, at the same time. The concurrency pass mostly waits (on killed servers, leases,
// locks): run after the other, the two took 9.5 + 10 minutes on 2 cores; side by side they share
// the cores. The other pass's databases and servers get small connection pools, so both fit
// within the server's connections.
// Usage: node scripts/run-tests.js [path-filter ...]
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = ['src', 'test']
  .flatMap(findTests)
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

const tapDir = mkdtempSync(join(tmpdir(), 'pointbook-tests-'));
const heavy = files.filter((file) => file.endsWith('concurrency.test.ts'));
const light = files.filter((file) => !heavy.includes(file));
const passes = [
  // Streams to the terminal as it goes.
  { name: 'light', files: light, concurrency: 2, env: { POINTBOOK_TEST_POOL_SIZE: '10', POINTBOOK_DB_POOL_SIZE: '5' }, spec: 'stdout' },
  // Printed when it ends, so the two passes' reports do not interleave.
  { name: 'concurrency', files: heavy, concurrency: 1, env: {}, spec: join(tapDir, 'concurrency.spec') },
].filter((pass) => pass.files.length > 0);

/** Runs one pass; resolves with its exit status and its TAP report's path. */
function run(pass) {
  const tap = join(tapDir, `${pass.name}.tap`);
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${pass.concurrency}`, '--test-reporter=spec', `--test-reporter-destination=${pass.spec}`];
  const child = spawn(process.execPath, [...args, '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...pass.files], {
    stdio: 'inherit',
    env: { ...process.env, ...pass.env },
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ pass, tap, status: code ?? 1 })));
}

// Each pass reports in spec form and to a TAP file, whose counts make one closing line.
const totals = { pass: 0, fail: 0, skipped: 0 };
let status = 0;
for (const result of await Promise.all(passes.map(run))) {
  if (result.pass.spec !== 'stdout') {
    console.log(`\n── ${result.pass.name} pass (${result.pass.files.length} files, one at a time) ──`);
    await pipeline(createReadStream(result.pass.spec), process.stdout, { end: false });
  }
  status ||= result.status;
  const text = readFileSync(result.tap, 'utf8');
  for (const key of Object.keys(totals)) totals[key] += Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
}
rmSync(tapDir, { recursive: true, force: true });
console.log(`total: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(status);
