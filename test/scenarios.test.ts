import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  formatScenario,
  loadScenarioFile,
  runScenarioFile,
  ScenarioLoadError,
  type ScenarioLoadProblem,
} from '../src/simulator/index.js';

/**
 * The scenario runner: a wrong expectation fails with the path of the mismatch, and a broken file
 * is refused with its line. The scenarios of examples/scenarios run in test/scenarios/.
 */
const programsDir = 'examples/programs';
const run = (file: string) => runScenarioFile(file, { programsDir });

const dir = mkdtempSync(join(tmpdir(), 'pointbook-scenarios-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let written = 0;
function scenarioFile(lines: string[]): string {
  written += 1;
  const file = join(dir, `scenario-${written}.yaml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const head = ['name: a scenario', 'program: flets-club', 'start: 2026-05-01T10:00:00+09:00', 'steps:'];
const enrolAlice = '  - enrol: { as: alice, externalId: A-1 }';

describe('the simulator', () => {
  it('fails a wrong expectation with the step, the path of the mismatch and the actual answer, and stops there', async () => {
    const file = scenarioFile([
      ...head, //                                                     1-4
      enrolAlice, //                                                  5
      '  - title: a credit of 500', //                                6
      '    adjust: { member: alice, points: 500, reason: welcome }', // 7
      '    expect:', //                                               8
      '      body: { balance: { available: 501 } }', //               9
      '  - clock: 2026-06-01T00:00:00+09:00', //                      10
    ]);
    const result = await run(file);
    assert.equal(result.passed, false);
    assert.deepEqual(
      result.steps.map((step) => [step.number, step.line, step.passed]),
      [
        [1, 5, true],
        [2, 6, false],
      ],
    );
    assert.equal(result.notRun, 1);
    const report = formatScenario(result);
    assert.match(report, /^✖ a scenario$/m);
    assert.match(report, /✖ step 2: a credit of 500 {2}\(line 6\)/);
    assert.match(report, /body\.balance\.available: expected 501, got 500/);
    assert.match(report, /actual: \{"transactionId":"txn_/);
  });

  it('checks the balance and transactions after a step, and a refusal by its code', async () => {
    const file = scenarioFile([
      ...head,
      enrolAlice,
      '  - adjust: { member: alice, points: 100 }',
      '  - adjust: { member: alice, points: -101 }',
      '    expect:',
      '      status: 422',
      '      code: insufficient_points',
      '      balance: { member: alice, available: 99 }',
      '      transactions: { member: alice, count: 2 }',
    ]);
    const result = await run(file);
    const mismatches = result.steps.at(-1)?.checks.flatMap((check) => check.mismatches);
    assert.deepEqual(mismatches, [
      { path: 'balance.available', message: 'expected 99, got 100' },
      { path: 'transactions.count', message: 'expected 2, got 1' },
    ]);
  });

  it('without an expected status, fails a step the API refused', async () => {
    const file = scenarioFile([...head, enrolAlice, '  - adjust: { member: alice, points: -1 }']);
    const result = await run(file);
    assert.equal(result.passed, false);
    assert.match(formatScenario(result), /status: expected 2xx, got 422[\s\S]*"code":"insufficient_points"/);
  });

  it('substitutes remembered members and the last response, and fails a step naming something that is not there', async () => {
    const file = scenarioFile([
      ...head,
      enrolAlice,
      '  - request: { method: GET, path: "/v1/members/{alice}" }',
      '    expect: { status: 200, body: { id: "{alice.id}", externalId: A-1 } }',
      '  - request: { method: GET, path: "/v1/members/{lastResponse.body.id}/balance" }',
      '    expect: { body: { available: 0 } }',
      '  - request: { method: GET, path: "/v1/members/{lastResponse.body.nothing}" }',
    ]);
    const result = await run(file);
    assert.deepEqual(
      result.steps.map((step) => step.passed),
      [true, true, true, false],
    );
    assert.match(result.steps[3]?.error ?? '', /\{lastResponse\.body\.nothing\}: there is nothing at lastResponse\.body\.nothing/);
  });

  it('loads programs relative to the scenario file, and fails a scenario whose programs do not load', async () => {
    const near = scenarioFile(['programs: ' + relative(dir, resolve(programsDir)), ...head, enrolAlice]);
    assert.equal((await runScenarioFile(near, { programsDir: '/nowhere' })).passed, true);
    const far = scenarioFile(['programs: ./nowhere', ...head, enrolAlice]);
    const result = await run(far);
    assert.equal(result.passed, false);
    assert.match(result.problems.join('\n'), /nowhere: is not a directory of programs/);
  });
});

describe('the repeat step', () => {
  it('runs its step once per i, with {i} in names, bodies and expectations, and later steps use what it remembered', async () => {
    const file = scenarioFile([
      ...head,
      '  - repeat:',
      '      times: 3',
      '      from: 5',
      '      step:',
      '        enrol: { as: "m{i}", externalId: "M-{i}" }',
      '        expect: { status: 201, body: { externalId: "M-{i}" } }',
      '  - repeat:',
      '      times: 3',
      '      step:',
      '        adjust: { member: m6, points: "{i}", reason: "credit {i}" }',
      '    expect:',
      '      balance: { member: m6, available: 6 }',
      '      transactions: { member: m6, count: 3 }',
      '  - request: { method: GET, path: "/v1/members/{m7}" }',
      '    expect: { body: { externalId: M-7 } }',
      '  - repeat:',
      '      times: 3',
      '      from: 5',
      '      step:',
      '        request: { method: GET, path: "/v1/members/{m{i}}/balance" }',
      '        expect: { status: 200, body: { pending: 0 } }',
    ]);
    const result = await run(file);
    assert.ok(result.passed, formatScenario(result));
    assert.deepEqual(
      result.steps.map((step) => step.ran),
      [3, 3, undefined, 3],
    );
    assert.match(formatScenario(result, { verbose: true }), /step 1: repeat 3 × \(i = 5…7\): enrol m5, … {2}\(line 5, 3 times\)/);
  });

  it('stops at the first i that fails and says which', async () => {
    const file = scenarioFile([
      ...head,
      enrolAlice,
      '  - adjust: { member: alice, points: 5 }',
      '  - repeat:',
      '      times: 5',
      '      step:',
      '        adjust: { member: alice, points: -2, reason: "spend {i}" }',
      '  - expect: { balance: { member: alice, available: 0 } }',
    ]);
    const result = await run(file);
    assert.equal(result.passed, false);
    assert.equal(result.steps[2]?.iteration, 3);
    assert.equal(result.steps[2]?.ran, 3);
    assert.equal(result.notRun, 1);
    const report = formatScenario(result);
    assert.match(report, /✖ step 3: repeat 5 × .* \(line 7, failed at i = 3\)/);
    assert.match(report, /"reason":"spend 3"\} → 422/);
    assert.match(report, /status: expected 2xx, got 422/);
  });

  it('gives each time of a repeated adjust its own Idempotency-Key', async () => {
    const file = scenarioFile([
      ...head,
      enrolAlice,
      '  - repeat: { times: 4, step: { adjust: { member: alice, points: 25 } } }',
      '    expect: { balance: { member: alice, available: 100 } }',
    ]);
    const result = await run(file);
    assert.ok(result.passed, formatScenario(result));
  });
});

describe('the simulator refuses a broken scenario with file:line:column', () => {
  const problemsOf = (lines: string[]): { file: string; problems: ScenarioLoadProblem[] } => {
    const file = scenarioFile(lines);
    try {
      loadScenarioFile(file);
    } catch (error) {
      assert.ok(error instanceof ScenarioLoadError, String(error));
      return { file, problems: [...error.errors] };
    }
    assert.fail(`${file} loaded`);
  };
  const cases: [string, string[], number, RegExp][] = [
    ['bad YAML', [...head, '  - clock: [2026-06-01', enrolAlice], 6, /^YAML: /],
    ['a duplicate key', ['name: a', ...head, '  - clock: 2026-06-01T00:00:00Z'], 2, /YAML: Map keys must be unique/],
    ['a misspelt step', [...head, '  - enroll: { as: alice, externalId: A-1 }'], 5, /step 1 has "enroll"; a step does one of: enrol, adjust/],
    ['two actions in one step', [...head, enrolAlice, '    clock: 2026-06-01T00:00:00Z'], 6, /step 1 does one thing; it has both "enrol" and "clock"/],
    ['an unknown key in a step', [...head, enrolAlice, '    expct: {}'], 6, /step 1: unknown key "expct"/],
    ['a wrong type', [...head, enrolAlice, '  - adjust: { member: alice, points: many }'], 6, /step 2: adjust\.points "many" must be a whole number/],
    ['a number for a text', [...head, '  - enrol: { as: alice, externalId: 1001 }'], 5, /enrol\.externalId 1001 must be a text \(quote it: "1001"\)/],
    ['an instant without offset', [...head, '  - clock: 2026-06-01'], 5, /clock "2026-06-01" must be an ISO 8601 instant with an offset/],
    ['a clock going back', [...head, '  - clock: 2026-04-01T00:00:00+09:00'], 5, /the clock would go back .* it only moves forward/],
    ['a member never enrolled', [...head, enrolAlice, '  - adjust: { member: bob, points: 5 }'], 6, /adjust\.member: no earlier enrol step remembers "bob"/],
    ['a placeholder never remembered', [...head, '  - request: { method: GET, path: "/v1/members/{bob}" }'], 5, /\{bob\}: no earlier enrol step remembers "bob"/],
    ['no program for an enrol', [...head.filter((line) => !line.startsWith('program')), enrolAlice], 4, /enrol needs a program/],
    ['an expect step that checks nothing', [...head, '  - expect: {}'], 5, /step 1: expect must name at least 1 of: balance, transactions/],
    ['no steps', head.slice(0, 3), 1, /missing required key "steps"/],
    ['a repeat of a clock', [...head, '  - repeat:', '      times: 2', '      step: { clock: 2026-06-01T00:00:00Z }'], 7, /repeat\.step is "clock"; a repeat repeats one of: enrol, adjust, events, job, request/],
    ['a repeat of nothing', [...head, '  - repeat: { times: 2, step: { enroll: { externalId: A } } }'], 5, /step 1: repeat\.step has "enroll"; a step does one of/],
    ['a repeat of 0 times', [...head, '  - repeat: { times: 0, step: { enrol: { externalId: "A-{i}" } } }'], 5, /repeat\.times 0 must be >= 1/],
    ['a repeated step wrong at one i', [...head, '  - repeat:', '      times: 2', '      step: { enrol: { externalId: "{i}" } }'], 7, /enrol\.externalId 1 must be a text .* \(when i = 1\)/],
    ['{i} outside a repeat', [...head, enrolAlice, '  - adjust: { member: alice, points: 1, reason: "no {i}" }'], 6, /\{i\}: no earlier enrol step remembers "i" .*only inside a repeat step/],
    ['a member named i', [...head, '  - enrol: { as: i, externalId: A-1 }'], 5, /"i" is reserved/],
    ['a repeat naming a member before its enrol', [...head, '  - repeat: { times: 2, step: { adjust: { member: "m{i}", points: 1 } } }'], 5, /adjust\.member: no earlier enrol step remembers "m1".*\(when i = 1\)/],
  ];
  for (const [title, lines, line, message] of cases) {
    it(title, () => {
      const { file, problems } = problemsOf(lines);
      const problem = problems.find((p) => message.test(p.message));
      assert.ok(problem, `no problem matches ${message}: ${JSON.stringify(problems)}`);
      assert.equal(problem.file, file);
      assert.equal(problem.line, line, JSON.stringify(problem));
    });
  }
});

describe('pointbook simulate', () => {
  it('prints ✔ and ✖ per scenario and the summary, and exits 1 when one fails', () => {
    const pass = scenarioFile([...head, enrolAlice, '  - expect: { balance: { member: alice, available: 0 } }']);
    const fail = scenarioFile([...head, enrolAlice, '  - expect: { balance: { member: alice, available: 1 } }']);
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'simulate', pass, fail], {
      encoding: 'utf8',
      env: { ...process.env, POINTBOOK_PROGRAMS_DIR: programsDir },
      timeout: 120_000,
    });
    assert.equal(cli.status, 1, cli.stderr);
    const lines = cli.stdout.trimEnd().split('\n');
    assert.equal(lines[0], '✔ a scenario');
    assert.equal(lines[1], '✖ a scenario');
    assert.ok(cli.stdout.includes('balance.available: expected 1, got 0'), cli.stdout);
    assert.equal(lines.at(-1), '1 passed, 1 failed');
  });
});
