import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createRegistry, formatProblem, loadProgramFile, loadPrograms, ProgramLoadError, type ProgramLoadProblem } from './index.js';

/** A valid definition for folder `x`, one key per line so each case names the line it breaks. */
const validLines = [
  'key: x', //                                     1
  'name: X', //                                    2
  'names: { ja: エックス, en: X }', //              3
  'timeZone: Asia/Tokyo', //                       4
  'currency: JPY', //                              5
  'pointValue: { points: 1, amountMinor: 1 }', //  6
  'fiscalYear: { startMonth: 4 }', //              7
  'expiry:', //                                    8
  '  policy: fiscal_year_end', //                  9
  '  yearsAfter: 2', //                            10
];

/** The valid lines with line `line` (1-based) replaced; undefined removes it. */
function withLine(line: number, text: string | undefined): string {
  const lines = [...validLines];
  lines.splice(line - 1, 1, ...(text === undefined ? [] : [text]));
  return `${lines.join('\n')}\n`;
}

function writeProgram(root: string, folder: string, text: string): string {
  mkdirSync(join(root, folder), { recursive: true });
  const file = join(root, folder, 'program.yaml');
  writeFileSync(file, text);
  return file;
}

function loadErrors(file: string): ProgramLoadProblem[] {
  try {
    loadProgramFile(file);
  } catch (error) {
    assert.ok(error instanceof ProgramLoadError, `expected a ProgramLoadError, got ${String(error)}`);
    return [...error.errors];
  }
  assert.fail(`${file} loaded, but it is invalid`);
}

const tempRoot = () => mkdtempSync(join(tmpdir(), 'pointbook-programs-'));

describe('loadPrograms on examples/programs', () => {
  const programs = loadPrograms('examples/programs');

  it('loads every example, sorted by key', () => {
    assert.deepEqual(programs.map((program) => program.key), ['flets-club', 'softbank', 'sonet', 'sony-rewards']);
    for (const program of programs) assert.equal(program.sourceFile, join('examples/programs', program.key, 'program.yaml'));
  });

  it('loads the campaigns and sweepstakes beside each program with it', () => {
    const registry = createRegistry(programs);
    assert.deepEqual(registry.get('flets-club')?.campaigns?.map((c) => c.id), ['hikari-welcome-2026']);
    assert.deepEqual(registry.get('softbank')?.campaigns?.map((c) => c.id), ['giga-gakuwari']);
    assert.deepEqual(registry.get('sonet')?.sweepstakes?.map((s) => s.key), ['status-up-present']);
    assert.equal(registry.get('sony-rewards')?.campaigns, undefined);
  });

  it('FL-8 configures FLET\'S points to expire at the end of fiscal year X+2, April to March, 1 pt = 1 yen', () => {
    const flets = createRegistry(programs).get('flets-club');
    // Tiers and earning rules have their own tests below; redemption, in src/redemption/config.test.ts;
    // campaigns, in src/campaigns and the test after this one.
    assert.deepEqual(flets && { ...flets, sourceFile: undefined, earning: undefined, redemption: undefined, campaigns: undefined }, {
      key: 'flets-club',
      name: "FLET'S Members Club",
      names: { ja: 'フレッツ光メンバーズクラブ', en: "FLET'S Members Club" },
      timeZone: 'Asia/Tokyo',
      currency: 'JPY',
      pointValue: { points: 1, amountMinor: 1 },
      fiscalYear: { startMonth: 4 },
      expiry: { policy: 'fiscal_year_end', yearsAfter: 2 },
      sourceFile: undefined,
      earning: undefined,
      redemption: undefined,
      campaigns: undefined,
      accounts: { signUp: ['access_key', 'easy'], defaultLocale: 'ja' },
      notifications: { monthlyBalance: { hour: 9 }, expiringSoon: { withinDays: 31, hour: 9 } },
    });
  });

  it('SR-5 values Sony Rewards points at 100 pt = $1, in Pacific time', () => {
    const sony = createRegistry(programs).get('sony-rewards');
    assert.equal(sony?.timeZone, 'America/Los_Angeles');
    assert.equal(sony?.currency, 'USD');
    assert.deepEqual(sony?.pointValue, { points: 100, amountMinor: 100 });
  });

  it('hands out frozen programs, so no caller can change another one\'s', () => {
    for (const program of programs) {
      assert.ok(Object.isFrozen(program) && Object.isFrozen(program.expiry) && Object.isFrozen(program.pointValue));
    }
  });
});

describe('loadProgramFile refuses an invalid definition with its line and reason', () => {
  const cases: { name: string; text: string; folder?: string; errors: [line: number, column: number, reason: RegExp][] }[] = [
    { name: 'a time zone Temporal does not know', text: withLine(4, 'timeZone: Asia/Tokio'), errors: [[4, 11, /^timeZone "Asia\/Tokio" is not an IANA time zone/]] },
    { name: 'a UTC offset instead of a zone', text: withLine(4, 'timeZone: "+09:00"'), errors: [[4, 11, /^timeZone "\+09:00" is a UTC offset/]] },
    { name: 'a zone not in its canonical spelling', text: withLine(4, 'timeZone: asia/tokyo'), errors: [[4, 11, /^timeZone "asia\/tokyo" must be written "Asia\/Tokyo"/]] },
    { name: 'a currency that is not an ISO 4217 code', text: withLine(5, 'currency: yen'), errors: [[5, 11, /^currency "yen" must be an ISO 4217 currency code/]] },
    { name: 'zero points in the point value', text: withLine(6, 'pointValue: { points: 0, amountMinor: 1 }'), errors: [[6, 23, /^pointValue\.points 0 must be >= 1/]] },
    { name: 'a fraction in the point value', text: withLine(6, 'pointValue: { points: 1, amountMinor: 1.5 }'), errors: [[6, 39, /^pointValue\.amountMinor 1\.5 must be a whole number/]] },
    { name: 'a point value that is not a mapping', text: withLine(6, 'pointValue: 1'), errors: [[6, 13, /^pointValue 1 must be a mapping/]] },
    { name: 'a fiscal year starting in month 13', text: withLine(7, 'fiscalYear: { startMonth: 13 }'), errors: [[7, 27, /^fiscalYear\.startMonth 13 must be <= 12/]] },
    { name: 'an unknown expiry policy', text: withLine(9, '  policy: yearly'), errors: [[9, 11, /^expiry\.policy "yearly" must be one of: none, rolling_months, fiscal_year_end/]] },
    {
      name: 'a misspelt key of the expiry policy',
      text: withLine(10, '  yearsAfer: 2'),
      errors: [
        [9, 3, /^missing required key "expiry\.yearsAfter"/],
        [10, 3, /^unknown key "expiry\.yearsAfer" \(allowed here: policy, yearsAfter\)/],
      ],
    },
    {
      name: 'a rolling expiry ending at the end of a week',
      text: `${validLines.slice(0, 8).join('\n')}\n  policy: rolling_months\n  months: 12\n  endOf: week\n`,
      errors: [[11, 10, /^expiry\.endOf "week" must be one of: day, month/]],
    },
    { name: 'an expiry without a policy', text: withLine(9, '  months: 3'), errors: [[9, 3, /^missing required key "expiry\.policy"/]] },
    { name: 'an unknown top-level key', text: `${withLine(10, '  yearsAfter: 2')}colour: red\n`, errors: [[11, 1, /^unknown key "colour"/]] },
    { name: 'a missing required key', text: withLine(5, undefined), errors: [[1, 1, /^missing required key "currency"/]] },
    { name: 'a key that is not its folder\'s name', text: withLine(1, 'key: y'), errors: [[1, 6, /^key "y" must equal its folder's name "x"/]] },
    { name: 'a key that is not kebab-case', folder: 'Flets_Club', text: withLine(1, 'key: Flets_Club'), errors: [[1, 6, /^key "Flets_Club" must be lowercase kebab-case/]] },
    { name: 'a YAML syntax error', text: withLine(2, 'name: [unclosed'), errors: [[3, 1, /^YAML: Flow sequence in block collection must be sufficiently indented/]] },
    { name: 'a key written twice', text: withLine(3, 'name: Y'), errors: [[3, 1, /^YAML: Map keys must be unique/]] },
    { name: 'an alias to no anchor', text: withLine(2, 'name: *nothing'), errors: [[2, 7, /^YAML: this alias names no anchor/]] },
    { name: 'an empty file', text: '# nothing yet\n', errors: [[1, 1, /^the file is empty/]] },
  ];

  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      const file = writeProgram(tempRoot(), c.folder ?? 'x', c.text);
      const errors = loadErrors(file);
      assert.equal(errors.length, c.errors.length, errors.map(formatProblem).join('\n'));
      for (const [index, [line, column, reason]] of c.errors.entries()) {
        const error = errors[index];
        assert.equal(error?.file, file);
        assert.deepEqual([error?.line, error?.column], [line, column], error?.message);
        assert.match(error?.message ?? '', reason);
      }
    });
  }

  it('names every problem of a file, in file order, in the error message', () => {
    const file = writeProgram(tempRoot(), 'x', withLine(4, 'timeZone: Asia/Tokio').replace('currency: JPY', 'currency: jpy'));
    const errors = loadErrors(file);
    assert.deepEqual(errors.map((error) => error.line), [4, 5]);
    assert.throws(
      () => loadProgramFile(file),
      (error: unknown) =>
        error instanceof ProgramLoadError &&
        error.message.startsWith('2 problems in program definitions:\n') &&
        error.message.includes(`${file}:4:11: timeZone "Asia/Tokio" is not an IANA time zone`) &&
        error.message.includes(`${file}:5:11: currency "jpy"`),
    );
  });

  it('refuses a file that does not exist, naming it', () => {
    const file = join(tempRoot(), 'x', 'program.yaml');
    assert.deepEqual(loadErrors(file), [{ file, line: 0, column: 0, message: 'no such file' }]);
  });
});

describe('loadPrograms on a directory', () => {
  it('loads nothing when one program is invalid, and names the broken one', () => {
    const root = tempRoot();
    writeProgram(root, 'x', withLine(1, 'key: x'));
    const broken = writeProgram(root, 'b', withLine(1, 'key: b').replace('currency: JPY', 'currency: euro'));
    assert.throws(
      () => loadPrograms(root),
      (error: unknown) => error instanceof ProgramLoadError && error.errors.length === 1 && error.errors[0]?.file === broken,
    );
  });

  it('skips folders without a program.yaml and files beside the folders', () => {
    const root = tempRoot();
    writeProgram(root, 'x', withLine(1, 'key: x'));
    mkdirSync(join(root, 'drafts'));
    writeFileSync(join(root, 'README.md'), '# programs\n');
    assert.deepEqual(loadPrograms(root).map((program) => program.key), ['x']);
  });

  it('refuses a directory that does not exist', () => {
    assert.throws(() => loadPrograms(join(tempRoot(), 'missing')), ProgramLoadError);
  });
});
