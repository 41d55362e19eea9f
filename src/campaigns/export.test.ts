import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { csvLine } from '../csv.js';
import { migrate, openDb, type Db } from '../db/index.js';
import { enrolMember, recordContract } from '../members/index.js';
import { loadPrograms, syncPrograms, type Program } from '../programs/index.js';
import { describeStorage } from '../../test/support/databases.js';
import { applyForCampaign, benefitCsvHeader, campaignsOf, exportBenefits, type Application, type Campaign } from './index.js';

/**
 * `pointbook export benefits`: what billing must apply in one billing month (GG-4, GG-9), one row
 * per line and benefit, as CSV or JSON, the same file however it is paged; and the CLI around it.
 */
const programs = loadPrograms('examples/programs');
const softbank = programs.find((p) => p.key === 'softbank');
assert.ok(softbank);
const program: Program = softbank;
const gg = campaignsOf(program).find((c) => c.id === 'giga-gakuwari');
assert.ok(gg);
const campaign: Campaign = gg;
const CONTRACTED = Temporal.Instant.from('2016-03-10T10:00:00+09:00');
const ctx = { now: Temporal.Instant.from('2016-03-15T12:00:00+09:00'), actor: 'test' };

let serial = 0;
/** A U25 line of a new member applied to GG with `option` (discount 1,620 yen × 24, or data 6 GB × 36 from April 2016). */
async function givenApplication(db: Db, externalId: string, option: 'discount' | 'data'): Promise<Application & { externalId: string }> {
  serial += 1;
  const { member } = await db.transaction((tx) => enrolMember(tx, { program: program.key, externalId }, { now: CONTRACTED, actor: 'test' }));
  const line = `L-EXPORT-${serial}`;
  const services = ['two-year-contract', 'data-pack-standard-5', 'basic-pack'];
  await recordContract(db, member.id, { contractId: line, type: 'mobile', plan: 'talk-unlimited', services, user: { personId: `P-EXPORT-${process.pid}-${serial}`, birthDate: '1998-01-01' }, device: { purchased: true, network: 'LTE' }, origin: 'new' }, CONTRACTED);
  const input = { campaign, timeZone: program.timeZone, member: { id: member.id, birthDate: null }, contractId: line, role: 'u25', option };
  return { ...(await db.transaction((tx) => applyForCampaign(tx, input, ctx))), externalId };
}

async function exported(db: Db, month: string, format: 'csv' | 'json', pageSize?: number) {
  let text = '';
  const totals = await exportBenefits(db, program.key, month, format, (chunk) => void (text += chunk), pageSize);
  return { text, totals };
}

const csvRow = (a: Application & { externalId: string }, month: string, index: number) =>
  csvLine([a.externalId, a.contractId, 'giga-gakuwari', a.id, month, String(index), a.kind, String(a.amount), a.unit]);

describeStorage('GG-4 benefit export', (storage) => {
  let apps: (Application & { externalId: string })[] = [];
  before(async () => {
    await syncPrograms(storage.db, programs, ctx.now);
    // External ids that need quoting, and a third member whose line applies for data.
    apps = [await givenApplication(storage.db, 'SB-1, "annex"', 'discount'), await givenApplication(storage.db, 'SB-2', 'data'), await givenApplication(storage.db, 'SB-3', 'discount')];
    apps.sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  });

  it('writes a billing month of the program as CSV, one row per line and benefit, in member order', async () => {
    const april = await exported(storage.db, '2016-04', 'csv');
    assert.equal(april.text, [csvLine(benefitCsvHeader), ...apps.map((a) => csvRow(a, '2016-04', 1))].join(''));
    assert.ok(april.text.includes('"SB-1, ""annex"""'), 'RFC 4180 quoting');
    assert.deepEqual(april.totals, { rows: 3, byUnit: { JPY: 3240, GB: 6 } });
  });

  it('counts months from the first billing month and stops after the last (GG-4: month 24 of the discount is March 2018)', async () => {
    const march2018 = await exported(storage.db, '2018-03', 'csv');
    assert.equal(march2018.text, [csvLine(benefitCsvHeader), ...apps.map((a) => csvRow(a, '2018-03', 24))].join(''));
    const april2018 = await exported(storage.db, '2018-04', 'csv');
    assert.equal(april2018.text, [csvLine(benefitCsvHeader), ...apps.filter((a) => a.kind === 'data').map((a) => csvRow(a, '2018-04', 25))].join(''));
    assert.deepEqual((await exported(storage.db, '2016-03', 'csv')).totals, { rows: 0, byUnit: {} }, 'nothing in the month of the contract');
  });

  it('writes the same rows as a JSON array, and the same file whatever the page size', async () => {
    const json = await exported(storage.db, '2016-04', 'json');
    assert.deepEqual(
      JSON.parse(json.text),
      apps.map((a) => ({ memberExternalId: a.externalId, contractId: a.contractId, campaign: 'giga-gakuwari', applicationId: a.id, billingMonth: '2016-04', monthIndex: 1, kind: a.kind, amount: a.amount, unit: a.unit })),
    );
    for (const format of ['csv', 'json'] as const) {
      assert.equal((await exported(storage.db, '2016-04', format, 1)).text, (await exported(storage.db, '2016-04', format)).text, `${format} in pages of one row`);
    }
    assert.equal((await exported(storage.db, '2016-03', 'json')).text, '[]\n');
  });
});

describe('pointbook export benefits (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pointbook-benefits-'));
  const env = { ...process.env, DATABASE_URL: '', POINTBOOK_ADMIN_TOKEN: '', POINTBOOK_LOG_LEVEL: 'warn' };
  const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'export', 'benefits', '--data', dir, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  let discount: Application & { externalId: string };
  let data: Application & { externalId: string };
  before(async () => {
    const db = await openDb({ dataDir: join(dir, 'pglite') });
    try {
      await migrate(db);
      await syncPrograms(db, programs, ctx.now);
      discount = await givenApplication(db, 'SB-CLI-1', 'discount');
      data = await givenApplication(db, 'SB-CLI-2', 'data');
    } finally {
      await db.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const inOrder = () => [discount, data].sort((a, b) => (a.memberId < b.memberId ? -1 : 1));

  it('writes a month as CSV to a file, whole, and says how much of each unit', () => {
    const out = join(dir, 'april.csv');
    const run = cli(['--program', 'softbank', '--month', '2016-04', '--out', out]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /wrote 2 benefits \((1620 JPY, 6 GB|6 GB, 1620 JPY)\) for 2016-04 to /);
    assert.equal(readFileSync(out, 'utf8'), [csvLine(benefitCsvHeader), ...inOrder().map((a) => csvRow(a, '2016-04', 1))].join(''));
    assert.ok(!existsSync(`${out}.partial`));
  });

  it('writes JSON to stdout with --format json, the summary to stderr', () => {
    const run = cli(['--program', 'softbank', '--month', '2018-04', '--format', 'json']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [{ memberExternalId: 'SB-CLI-2', contractId: data.contractId, campaign: 'giga-gakuwari', applicationId: data.id, billingMonth: '2018-04', monthIndex: 25, kind: 'data', amount: 6, unit: 'GB' }]);
    assert.match(run.stderr, /^1 benefits \(6 GB\) for 2018-04$/m);
  });

  it('explains bad arguments', () => {
    const format = cli(['--program', 'softbank', '--month', '2016-04', '--format', 'xml']);
    assert.notEqual(format.status, 0);
    assert.match(format.stderr, /csv, json/);
    const unknown = cli(['--program', 'nope', '--month', '2016-04']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /no program "nope"/);
  });
});
