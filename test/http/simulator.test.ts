import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'node:test';
import { loadPrograms } from '../../src/programs/index.js';
import { loadScenarioText, runScenario } from '../../src/simulator/index.js';
import { as, call, describeApi, problemCode } from '../support/api.js';
import { givenMemberLogIn, givenOperatorLogIn } from '../support/principals.js';
import { startReceiver } from '../support/receiver.js';

/**
 * #8: the console's simulator page runs a scenario sent as text, as `pointbook simulate` does — on
 * a scratch database, never the live one, with no webhook leaving the server — and answers each
 * step; a scenario that does not load answers its problems at line:column. Definition files are
 * checked by the loader the server runs, and their problems come back at line:column too.
 */

type Simulation = {
  name: string;
  passed: boolean;
  steps: { number: number; line: number; label: string; passed: boolean; checks: { head: string; mismatches: { path: string; message: string }[]; actual?: string }[] }[];
  notRun: number;
  problems: { line: number; column: number; message: string }[];
};
type Checked = { valid: boolean; problems: { line: number; column: number; message: string }[]; loaded: { kind: string; key: string } | null };

const capScenario = readFileSync('examples/scenarios/fl-4-bill-credit-cap.yaml', 'utf8');
/** Quick to run (no password hashing), so a loaded machine stays well inside the time limit. */
const shortScenario = [
  'name: FL-4 a bill credit larger than the balance is refused',
  'program: flets-club',
  'start: 2026-04-10T10:00:00+09:00',
  'steps:',
  '  - enrol: { as: hana, externalId: SIM-LIVE-1 }',
  '  - adjust: { member: hana, points: 500, reason: welcome }',
  '    expect: { balance: { member: hana, available: 500 } }',
  '  - request: { method: POST, path: "/v1/members/{hana}/redemptions", headers: { idempotency-key: sim-1 }, body: { kind: bill_credit, points: 600 } }',
  '    expect: { status: 422, code: insufficient_points }',
].join('\n');

describeApi('the console simulator and definition checks (#8)', (ctx) => {
  const simulate = (scenario: string, headers: Record<string, string> = {}) => call(ctx.app, 'POST', '/v1/simulations', { scenario, fileName: 'mine.yaml' }, headers);
  const simulated = async (scenario: string) => {
    const answer = await simulate(scenario);
    assert.equal(answer.statusCode, 200, answer.body);
    return answer.json<Simulation>();
  };

  it('runs a scenario step by step on a scratch database: the live one never sees its members', async () => {
    const result = await simulated(shortScenario);
    assert.equal(result.passed, true, JSON.stringify(result.problems));
    assert.deepEqual(result.steps.map((s) => [s.number, s.line, s.passed]), [[1, 5, true], [2, 6, true], [3, 8, true]]);
    assert.equal(result.notRun, 0);
    assert.match(result.steps[0]?.label ?? '', /enrol hana/u);
    // SIM-LIVE-1 was enrolled in the scenario's world; the live program has no such member.
    const live = await call(ctx.app, 'GET', '/v1/programs/flets-club/members?query=SIM-LIVE-1');
    assert.deepEqual(live.json<{ items: unknown[] }>().items, []);
  });

  it('shows the failed step with what did not match, and the steps after it as not run', async () => {
    const scenario = capScenario.replace('available: 20000', 'available: 19999');
    const result = await simulated(scenario);
    assert.equal(result.passed, false);
    const failed = result.steps.at(-1);
    assert.equal(failed?.passed, false);
    assert.ok(result.notRun > 0);
    const mismatch = failed?.checks.flatMap((c) => c.mismatches).find((m) => m.path === 'balance.available');
    assert.deepEqual(mismatch, { path: 'balance.available', message: 'expected 19999, got 20000' });
  });

  it('answers the problems of a scenario that does not load at line:column, and refuses a programs folder', async () => {
    const broken = await simulated('name: broken\nstart: 2026-04-01T00:00:00+09:00\nsteps:\n  - enrol: { as: x }\n    expct: { status: 201 }\n');
    assert.equal(broken.passed, false);
    const expct = broken.problems.find((p) => p.message.includes('expct'));
    assert.deepEqual([expct?.line, expct?.column], [5, 5], JSON.stringify(broken.problems));
    const elsewhere = await simulated(`programs: /etc\n${capScenario}`);
    assert.deepEqual(elsewhere.problems.map((p) => [p.line, p.column]), [[1, 1]]);
    assert.match(elsewhere.problems[0]?.message ?? '', /programs: a scenario sent to the server runs on the programs it has loaded/u);
    assert.equal(problemCode(await call(ctx.app, 'POST', '/v1/simulations', { scenario: 'x'.repeat(256 * 1024 + 1) })), 'invalid_request');
  });

  it('holds webhooks: a scenario cannot make the server call a URL of its choosing', async () => {
    const receiver = await startReceiver();
    try {
      const scenario = [
        'name: a webhook to this machine',
        'program: flets-club',
        'start: 2026-04-10T10:00:00+09:00',
        'steps:',
        `  - request: { method: POST, path: /v1/programs/flets-club/webhooks, body: { url: "${receiver.url}/hook", events: [points.credited] } }`,
        '    remember: { hook: "{lastResponse.body.id}" }',
        '  - enrol: { as: hana, externalId: HOOK-1 }',
        '  - adjust: { member: hana, points: 100, reason: credited }',
        '  - request: { method: GET, path: "/v1/programs/flets-club/webhooks/{hook}/deliveries" }',
        '    remember: { delivery: "{lastResponse.body.items.0.id}" }',
        // A replay queues the delivery again and wakes the deliverer at once.
        '  - request: { method: POST, path: "/v1/programs/flets-club/webhooks/{hook}/deliveries/{delivery}/replay" }',
        // Time in which a deliverer would have sent it (the world closes after the last step).
        '  - repeat: { times: 100, step: { request: { method: GET, path: "/v1/members/{hana}/balance" } } }',
      ].join('\n');
      const result = await simulated(scenario);
      assert.equal(result.passed, true, JSON.stringify(result));
      await sleep(300);
      assert.deepEqual(receiver.received, []);
    } finally {
      await receiver.close();
    }
  });

  it('stops at the time limit: the steps left are reported not run, with why', async () => {
    const signal = AbortSignal.abort(new Error('the run took longer than the limit'));
    const result = await runScenario(loadScenarioText(shortScenario, 'short.yaml'), { programsDir: '', programs: loadPrograms('examples/programs'), signal });
    assert.deepEqual([result.passed, result.steps.length, result.notRun, result.problems], [false, 0, 3, ['stopped: the run took longer than the limit']]);
  });

  it('runs one scenario at a time: a second meanwhile is 503 simulator_busy', async () => {
    const [first, second] = await Promise.all([simulate(capScenario), (async () => {
      await sleep(50);
      return simulate(shortScenario);
    })()]);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(problemCode(second), 'simulator_busy');
    assert.equal(second.statusCode, 503);
    assert.equal(second.headers['retry-after'], '30');
    assert.equal((await simulate(shortScenario)).statusCode, 200, 'free again after');
  });

  it('checks a program, campaign or sweepstakes file as the loader would, with problems at line:column', async () => {
    const check = async (program: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      const answer = await call(ctx.app, 'POST', `/v1/programs/${program}/definition-checks`, body, headers);
      assert.equal(answer.statusCode, 200, answer.body);
      return answer.json<Checked>();
    };
    const programText = readFileSync('examples/programs/flets-club/program.yaml', 'utf8');
    assert.deepEqual(await check('flets-club', { kind: 'program', text: programText }), { valid: true, problems: [], loaded: { kind: 'program', key: 'flets-club' } });
    const badExpiry = await check('flets-club', { kind: 'program', text: programText.replace('yearsAfter: 2', 'yearsAfter: two') });
    assert.equal(badExpiry.valid, false);
    const line = programText.split('\n').findIndex((l) => l.includes('yearsAfter: 2')) + 1;
    assert.deepEqual(badExpiry.problems.map((p) => p.line), [line]);
    assert.match(badExpiry.problems[0]?.message ?? '', /yearsAfter/u);
    // Its key must be the folder's: a program sent as another's is a problem of the key.
    const renamed = await check('flets-club-2', { kind: 'program', text: programText });
    assert.equal(renamed.valid, false);
    assert.match(renamed.problems[0]?.message ?? '', /key/u);

    const campaignText = readFileSync('examples/programs/flets-club/campaigns/hikari-welcome-2026.yaml', 'utf8');
    assert.deepEqual(await check('flets-club', { kind: 'campaign', fileName: 'hikari-welcome-2026.yaml', text: campaignText }), { valid: true, problems: [], loaded: { kind: 'campaign', key: 'hikari-welcome-2026' } });
    const syntax = await check('flets-club', { kind: 'campaign', fileName: 'hikari-welcome-2026.yaml', text: `${campaignText}\n  : : :\n` });
    assert.equal(syntax.valid, false);
    assert.ok(syntax.problems.every((p) => p.line > 0 && !p.message.includes('/tmp')), JSON.stringify(syntax.problems));

    const sweepstakesText = readFileSync('examples/programs/sonet/sweepstakes/status-up-present.yaml', 'utf8');
    assert.deepEqual(await check('sonet', { kind: 'sweepstakes', fileName: 'status-up-present.yaml', text: sweepstakesText }), { valid: true, problems: [], loaded: { kind: 'sweepstakes', key: 'status-up-present' } });
    assert.equal(problemCode(await call(ctx.app, 'POST', '/v1/programs/no-such/definition-checks', { kind: 'campaign', text: campaignText })), 'unknown_program');
    assert.equal(problemCode(await call(ctx.app, 'POST', '/v1/programs/flets-club/definition-checks', { kind: 'campaign', fileName: '../escape.yaml', text: campaignText })), 'invalid_request');
  });

  it('is for marketing and admins: support, finance and members are refused', async () => {
    const marketing = await givenOperatorLogIn(ctx, 'marketing');
    assert.equal((await simulate('name: x', as(marketing.token))).statusCode, 200);
    for (const role of ['support', 'finance'] as const) {
      const operator = await givenOperatorLogIn(ctx, role);
      assert.equal(problemCode(await simulate('name: x', as(operator.token))), 'forbidden');
    }
    const member = await givenMemberLogIn(ctx, 'flets-club', { name: 'Mai Sim', email: 'mai.sim@example.jp' });
    assert.equal(problemCode(await simulate('name: x', as(member.token))), 'forbidden');
    assert.equal(problemCode(await call(ctx.app, 'POST', '/v1/programs/flets-club/definition-checks', { kind: 'program', text: 'key: x' }, as(member.token))), 'forbidden');
  });
});
