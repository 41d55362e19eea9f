import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScenario } from './check.js';
import { mailView } from './mail.js';
import { formatScenario } from './report.js';
import { runScenario } from './run.js';
import type { Scenario } from './schema.js';

const row = (body: string | null) => ({ id: 'msg_1', recipient: 'riku@example.jp', template: 't', subject: 's', body, status: 'pending' });

describe('mailView: what a mail step reads out of a body', () => {
  it('finds the link and its token, and a six-digit key standing alone', () => {
    const link = mailView(row('Open this link:\n\nhttps://portal.example/signup/confirm#token=pbl_Ab-9_z\n\nIt works until April 2, 2026 at 10:00 GMT+9.\n'));
    assert.equal(link.link, 'https://portal.example/signup/confirm#token=pbl_Ab-9_z');
    assert.equal(link.token, 'pbl_Ab-9_z');
    const signed = mailView(row('Enter here: https://portal.example/sweepstakes/x/enter#token=pbi_eyJh.c2ln-_9.\n'));
    assert.equal(signed.token, 'pbi_eyJh.c2ln-_9', 'the dot of a signed token is kept; a full stop after it is not');
    assert.equal(link.key, undefined);
    const key = mailView(row('確認コードは次のとおりです。\n\n042917\n\n有効期限は2026年4月10日 10:10 JSTで、1回だけ使えます。\n'));
    assert.equal(key.key, '042917');
    assert.equal('token' in key, false);
  });

  it('takes no key out of longer numbers, and nothing out of an erased body', () => {
    assert.equal(mailView(row('order 12345678 and 2026')).key, undefined);
    assert.deepEqual(mailView(row(null)), { id: 'msg_1', to: 'riku@example.jp', template: 't', subject: 's', body: null, status: 'pending' });
  });
});

/** A scenario from steps, on the example programs. */
function scenarioOf(...steps: unknown[]): Scenario {
  const { scenario, problems } = checkScenario({ name: 'mail and sessions', program: 'flets-club', start: '2026-04-10T10:00:00+09:00', steps });
  assert.ok(scenario, JSON.stringify(problems));
  const { programs: _programs, ...rest } = scenario;
  return { ...rest, file: 'inline.yaml', programsDir: 'examples/programs' };
}

const enrolRiku = { enrol: { as: 'riku', externalId: 'FL5-1', email: 'riku@example.jp' } };
const issueKey = { request: { method: 'POST', path: '/v1/members/{riku}/step-up-keys' } };

describe('the mail step, remember and as:, run', () => {
  it('reads the newest mail, checks it, remembers from it, and acts as a member or nobody', async () => {
    const result = await runScenario(
      scenarioOf(
        enrolRiku,
        { request: { method: 'POST', path: '/v1/members/{riku}/access-keys' }, remember: { letter: '{lastResponse.body.accessKey}' } },
        {
          request: {
            method: 'POST',
            path: '/v1/auth/signups',
            as: 'anonymous',
            body: { program: 'flets-club', kind: 'access_key', customerId: 'FL5-1', accessKey: '{letter}', email: 'RIKU@example.jp' },
          },
          expect: { status: 202 },
        },
        { mail: { to: 'riku@example.jp' }, expect: { template: 'signup_verification', token: { includes: 'pbl_' } } },
        {
          request: { method: 'POST', path: '/v1/auth/signups/confirm', as: 'anonymous', body: { token: '{lastMail.token}', password: 'hikari fibre tumbler kettle' } },
          expect: { status: 201 },
          remember: { session: '{lastResponse.body.token}', whole: '{lastResponse.body}' },
        },
        { request: { method: 'GET', path: '/v1/me', as: '{session}' }, expect: { body: { kind: 'member', member: { id: '{riku}' } } } },
        { request: { method: 'GET', path: '/v1/me', as: '{whole.token}' }, expect: { body: { member: { id: '{whole.memberId}' } } } },
        { request: { method: 'GET', path: '/v1/me', as: 'anonymous' }, expect: { status: 401, code: 'unauthorized' } },
        { ...issueKey, request: { ...issueKey.request, as: '{session}' } },
        { mail: { to: 'riku@example.jp', template: 'step_up_key' }, expect: { key: '{lastResponse.body.key}' }, remember: { key: '{lastMail.key}' } },
        { request: { method: 'GET', path: '/v1/members/{riku}?k={key}' }, expect: { body: { id: '{riku}' } } },
      ),
      { programsDir: 'examples/programs' },
    );
    assert.ok(result.passed, formatScenario(result));
    const report = formatScenario({ ...result, passed: false });
    assert.match(report, /step 3: POST \/v1\/auth\/signups as anonymous/);
    assert.match(report, /step 6: GET \/v1\/me as \{session\}/);
  });

  it('fails clearly when no such mail is in the outbox, saying what is', async () => {
    const result = await runScenario(scenarioOf(enrolRiku, issueKey, { mail: { to: 'riku@example.jp', template: 'password_reset' } }), {
      programsDir: 'examples/programs',
    });
    assert.equal(result.passed, false);
    const report = formatScenario(result);
    assert.match(report, /✖ step 3: mail to riku@example\.jp \(password_reset\)/);
    assert.match(report, /no mail to riku@example\.jp \(template password_reset\) is in the outbox; its newest:\n\s+to riku@example\.jp: step_up_key "【フレッツ光メンバーズクラブ】ポイント交換の確認コード"/);
  });

  it('does not pass an old mail for a new one', async () => {
    const readKey = { mail: { to: 'riku@example.jp', template: 'step_up_key' } };
    const result = await runScenario(scenarioOf(enrolRiku, issueKey, readKey, readKey), { programsDir: 'examples/programs' });
    assert.equal(result.steps.at(-1)?.passed, false);
    assert.match(result.steps.at(-1)?.error ?? '', /no new mail to riku@example\.jp \(template step_up_key\) arrived: the newest, .*, was read by step 3/);
  });

  it('shows a mail that does not match its expect, field by field', async () => {
    const result = await runScenario(
      scenarioOf(enrolRiku, issueKey, { mail: { to: 'riku@example.jp' }, expect: { template: 'password_reset', body: { includes: 'nothing like this' } } }),
      { programsDir: 'examples/programs' },
    );
    const report = formatScenario(result);
    assert.match(report, /mail to riku@example\.jp: step_up_key "【フレッツ光メンバーズクラブ】ポイント交換の確認コード"/);
    assert.match(report, /mail\.template: expected "password_reset", got "step_up_key"/);
    assert.match(report, /mail\.body: expected a text including "nothing like this"/);
    assert.match(report, /actual: \{"to":"riku@example\.jp","template":"step_up_key"/);
  });

  it('fails a step whose {lastMail.token} the mail does not have, naming the mail', async () => {
    const result = await runScenario(
      scenarioOf(enrolRiku, issueKey, { mail: { to: 'riku@example.jp' }, remember: { link: '{lastMail.token}' } }),
      { programsDir: 'examples/programs' },
    );
    assert.match(result.steps.at(-1)?.error ?? '', /\{lastMail\.token\}: there is nothing at lastMail\.token \(the mail ".*", step_up_key, has no link with #token=\)/);
  });
});
