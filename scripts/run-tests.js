// Runs every *.test.ts under src/ and test/ with node:test through tsx.
// Node 20's runner has no glob support, so the file list is built here.
// Files named concurrency.test.ts open up to 64 PostgreSQL connections each (the server allows
// 100), so they run one at a time after the others, which run two at a time.
// Usage: node scripts/run-tests.js [path-filter ...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

const heavy = files.filter((file) => file.endsWith('concurrency.test.ts'));
const light = files.filter((file) => !heavy.includes(file));
const passes = [
  { files: light, concurrency: 2 },
  { files: heavy, concurrency: 1 },
].filter((pass) => pass.files.length > 0);

// Each pass reports to the terminal (spec) and to a TAP file, whose counts make one closing line.
const tapDir = mkdtempSync(join(tmpdir(), 'pointbook-tests-'));
const totals = { pass: 0, fail: 0, skipped: 0 };
let status = 0;
passes.forEach((pass, index) => {
  const tap = join(tapDir, `${index}.tap`);
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      `--test-concurrency=${pass.concurrency}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...pass.files,
    ],
    { stdio: 'inherit' },
  );
  status ||= result.status ?? 1;
  const text = readFileSync(tap, 'utf8');
  for (const key of Object.keys(totals)) totals[key] += Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
});
rmSync(tapDir, { recursive: true, force: true });
console.log(`total: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(status);
