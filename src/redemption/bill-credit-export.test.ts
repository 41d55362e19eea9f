import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { migrate, openDb, type Db } from '../db/index.js';
import { post } from '../ledger/index.js';
import { enrolMember, recordContract } from '../members/index.js';
import { createRegistry, loadPrograms, syncPrograms, type Program } from '../programs/index.js';
import { describeStorage } from '../../test/support/databases.js';
import { billCreditCsvHeader, exportBillCredits, redeem } from './index.js';
import { csvLine } from '../csv.js';

const APRIL = Temporal.Instant.from('2026-04-10T12:00:00+09:00');
const programs = createRegistry(loadPrograms('examples/programs'));
const flets = programs.get('flets-club');
assert.ok(flets);
const fletsClub: Program = flets;

let keys = 0;
/** A flets-club member with points, a contract when given, and one bill credit per entry of `credits`. */
async function givenBillCredits(db: Db, externalId: string, credits: { points: number; at: Temporal.Instant }[], contractId?: string): Promise<string[]> {
  const ctx = { now: APRIL.subtract({ hours: 24 * 30 }), actor: 'test' };
  const { member } = await db.transaction((tx) => enrolMember(tx, { program: fletsClub.key, externalId }, ctx));
  if (contractId) await recordContract(db, member.id, { contractId, type: 'flets-hikari' }, ctx.now);
  await post(db, { op: 'credit', member: member.id, key: 'seed', points: 20_000, actor: 'test' }, ctx.now);
  const ids: string[] = [];
  for (const c of credits) {
    keys += 1;
    const { receipt } = await redeem(db, { program: fletsClub, member, request: { kind: 'bill_credit', points: c.points }, idempotencyKey: `x-${keys}`, trustedLine: false }, { now: c.at, actor: 'test' });
    ids.push(receipt.id);
  }
  return ids;
}

async function csvOf(db: Db, month: string): Promise<{ text: string; totals: { rows: number; amountMinor: number } }> {
  let text = '';
  const totals = await exportBillCredits(db, fletsClub.key, month, (chunk) => {
    text += chunk;
  });
  return { text, totals };
}

describe('csvLine (RFC 4180)', () => {
  const cases: [string[], string][] = [
    [['a', 'b'], 'a,b\r\n'],
    [['', 'x'], ',x\r\n'],
    [['A,1', 'say "hi"', 'two\nlines'], '"A,1","say ""hi""","two\nlines"\r\n'],
  ];
  for (const [fields, line] of cases) it(`${JSON.stringify(fields)} → ${JSON.stringify(line)}`, () => assert.equal(csvLine(fields), line));
});

describeStorage('FL-4 bill-credit export', (ctx) => {
  before(async () => {
    await syncPrograms(ctx.db, programs.list(), APRIL);
  });

  it('lists one billing month (program zone) of one program, in redemption order, with the contract when known', async () => {
    const [a1, a2] = await givenBillCredits(ctx.db, 'C-1001', [
      { points: 3000, at: APRIL },
      { points: 2000, at: APRIL.add({ hours: 1 }) },
    ], 'FLT-1');
    // 2026-04-30T15:00Z is already May in Tokyo: not April's.
    const [b1, b2] = await givenBillCredits(ctx.db, 'C-1002, "annex"', [
      { points: 700, at: APRIL.add({ hours: 2 }) },
      { points: 1, at: Temporal.Instant.from('2026-04-30T15:00:00Z') },
    ]);
    const april = await csvOf(ctx.db, '2026-04');
    assert.equal(
      april.text,
      [
        csvLine(billCreditCsvHeader),
        `C-1001,FLT-1,2026-04,3000,JPY,${a1}\r\n`,
        `C-1001,FLT-1,2026-04,2000,JPY,${a2}\r\n`,
        `"C-1002, ""annex""",,2026-04,700,JPY,${b1}\r\n`,
      ].join(''),
    );
    assert.deepEqual(april.totals, { rows: 3, amountMinor: 5700 });
    const may = await csvOf(ctx.db, '2026-05');
    assert.equal(may.text, `${csvLine(billCreditCsvHeader)}"C-1002, ""annex""",,2026-05,1,JPY,${b2}\r\n`);
    assert.deepEqual((await csvOf(ctx.db, '2026-06')).totals, { rows: 0, amountMinor: 0 });
  });

  it('pages through more rows than one page', async () => {
    const at = Temporal.Instant.from('2026-07-15T12:00:00+09:00');
    const ids = await givenBillCredits(ctx.db, 'C-many', Array.from({ length: 1005 }, () => ({ points: 1, at })));
    const { text, totals } = await csvOf(ctx.db, '2026-07');
    assert.deepEqual(totals, { rows: 1005, amountMinor: 1005 });
    const lines = text.trimEnd().split('\r\n');
    assert.equal(lines.length, 1006);
    assert.deepEqual(lines.slice(1).map((l) => l.split(',').at(-1)), ids);
  });
});

describe('pointbook export bill-credits (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pointbook-export-'));
  const env = { ...process.env, DATABASE_URL: '', POINTBOOK_ADMIN_TOKEN: '', POINTBOOK_LOG_LEVEL: 'warn' };
  const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'export', 'bill-credits', '--data', dir, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  let id = '';
  before(async () => {
    const db = await openDb({ dataDir: join(dir, 'pglite') });
    try {
      await migrate(db);
      await syncPrograms(db, programs.list(), APRIL);
      [id = ''] = await givenBillCredits(db, 'C-cli', [{ points: 4321, at: APRIL }], 'FLT-9');
    } finally {
      await db.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the month to a file, whole, and says how much', () => {
    const out = join(dir, 'april.csv');
    const run = cli(['--program', 'flets-club', '--month', '2026-04', '--out', out]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /wrote 1 bill credits, 4321 JPY in minor units, for 2026-04/);
    assert.equal(readFileSync(out, 'utf8'), `${csvLine(billCreditCsvHeader)}C-cli,FLT-9,2026-04,4321,JPY,${id}\r\n`);
    assert.ok(!existsSync(`${out}.partial`));
  });

  it('writes to stdout without --out, and explains bad arguments', () => {
    const run = cli(['--program', 'flets-club', '--month', '2026-05']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, csvLine(billCreditCsvHeader));
    assert.match(run.stderr, /0 bill credits/);
    const month = cli(['--program', 'flets-club', '--month', '2026-13']);
    assert.notEqual(month.status, 0);
    assert.match(month.stderr, /YYYY-MM/);
    const program = cli(['--program', 'nope', '--month', '2026-04']);
    assert.equal(program.status, 2);
    assert.match(program.stderr, /no program "nope"/);
  });
});
