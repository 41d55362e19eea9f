import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScenario } from './check.js';

/** The static checks of names: members, remembered values, `{lastMail}` and `as:`, before anything runs. */
const scenario = (...steps: unknown[]) => ({ name: 'a scenario', program: 'flets-club', start: '2026-04-01T10:00:00+09:00', steps });
const problemsOf = (...steps: unknown[]) => checkScenario(scenario(...steps)).problems.map((p) => `${p.path.join('.')}: ${p.message}`);

const enrolRiku = { enrol: { as: 'riku', externalId: 'R-1' } };
const logIn = { request: { method: 'POST', path: '/v1/auth/sessions', as: 'anonymous', body: {} }, remember: { session: '{lastResponse.body.token}' } };
const readKey = { mail: { to: 'riku@example.jp', template: 'step_up_key' }, remember: { rikuKey: '{lastMail.key}' } };

describe('check: remembered values', () => {
  it('accepts a value used after the step that remembers it, in paths, bodies, as: and expectations', () => {
    const problems = problemsOf(
      enrolRiku,
      logIn,
      readKey,
      {
        request: { method: 'POST', path: '/v1/members/{riku}/redemptions', as: '{session}', body: { stepUpKey: '{rikuKey}' } },
        expect: { body: { stepUpKey: '{rikuKey}' } },
      },
      { expect: { balance: { member: 'riku', available: 0 } }, remember: { again: '{rikuKey}' } },
    );
    assert.deepEqual(problems, []);
  });

  it('refuses a value used before it is remembered, or in the mapping that remembers it', () => {
    assert.match(problemsOf({ request: { method: 'GET', path: '/x/{rikuKey}' } }).join('\n'), /steps\.0\.request\.path: step 1: \{rikuKey\}: no earlier enrol step remembers "rikuKey" \(as: rikuKey\), nor an earlier remember: \{ rikuKey: … \}; remembered: none yet/);
    assert.match(problemsOf({ ...logIn, remember: { a: '{lastResponse.body}', b: '{a.token}' } }).join('\n'), /remember\.b: step 1: \{a\.token\}: no earlier enrol step remembers "a"/);
  });

  it('lets a later step remember a value under the same name again (a new session replaces the old)', () => {
    assert.deepEqual(problemsOf(logIn, logIn, { request: { method: 'GET', path: '/v1/me', as: '{session}' } }), []);
  });

  it('refuses a value named like a member, before or after its enrol, or like a reserved name', () => {
    assert.match(problemsOf(enrolRiku, { ...logIn, remember: { riku: 'x' } }).join('\n'), /steps\.1\.remember\.riku: step 2: remember\.riku: "riku" is a member's name \(enrol as: riku\)/);
    assert.match(problemsOf({ ...logIn, remember: { riku: 'x' } }, enrolRiku).join('\n'), /remember\.riku: "riku" is a member's name/);
    for (const name of ['lastMail', 'lastResponse', 'i']) {
      assert.match(problemsOf({ ...logIn, remember: { [name]: 'x' } }).join('\n'), new RegExp(`remember\\.${name}: "${name}" is reserved`));
    }
    assert.match(problemsOf({ ...logIn, remember: { 'no good': 'x' } }).join('\n'), /"no good" is not a name/);
  });

  it('refuses a value where a member is needed, and a member named lastMail', () => {
    assert.match(problemsOf(logIn, { adjust: { member: 'session', points: 1 } }).join('\n'), /adjust\.member: "session" is a remembered value, not a member/);
    assert.match(problemsOf({ enrol: { as: 'lastMail', externalId: 'X' } }).join('\n'), /"lastMail" is reserved/);
  });

  it('refuses remember in a repeated step, and on a repeat', () => {
    const repeated = { repeat: { times: 2, step: { request: { method: 'GET', path: '/v1/me' }, remember: { x: '{i}' } } } };
    assert.match(problemsOf(repeated).join('\n'), /repeat\.step cannot remember/);
    assert.match(problemsOf({ repeat: { times: 2, step: { request: { method: 'GET', path: '/v1/me' } } }, remember: { x: 1 } }).join('\n'), /unknown key "remember"/);
  });
});

describe('check: {lastMail…}', () => {
  it('names the mail of an earlier mail step, or in remember the step own', () => {
    assert.deepEqual(problemsOf(readKey, { request: { method: 'GET', path: '/x/{lastMail.token}' } }), []);
    assert.match(problemsOf({ request: { method: 'GET', path: '/x/{lastMail.token}' } }).join('\n'), /\{lastMail\.token\}: no earlier mail step has read a mail/);
  });

  it('in a mail step own expect is the mail of the step before, as lastResponse is', () => {
    assert.match(problemsOf({ mail: { to: 'a@example.jp' }, expect: { key: '{lastMail.key}' } }).join('\n'), /steps\.0\.expect\.key: .*no earlier mail step/);
  });

  it('checks the mail step itself: a template is a name, to is required', () => {
    assert.match(problemsOf({ mail: { template: 'step_up_key' } }).join('\n'), /mail.*"to"/);
    assert.match(problemsOf({ mail: { to: 'a@example.jp', template: 'Step Up' } }).join('\n'), /mail\.template/);
    assert.match(problemsOf({ mail: { to: 'a@example.jp' }, expect: { subjekt: 'x' } }).join('\n'), /unknown key "subjekt"/);
  });
});

describe('check: request as:', () => {
  it('takes operator, anonymous or one placeholder', () => {
    assert.deepEqual(problemsOf({ request: { method: 'GET', path: '/v1/me', as: 'operator' } }, { request: { method: 'GET', path: '/v1/me', as: 'anonymous' } }), []);
    assert.match(problemsOf(logIn, { request: { method: 'GET', path: '/v1/me', as: 'Bearer {session}' } }).join('\n'), /request\.as "Bearer \{session\}" must be operator, anonymous, or a session token written as one placeholder/);
    assert.match(problemsOf({ request: { method: 'GET', path: '/v1/me', as: 'riku' } }).join('\n'), /must be operator, anonymous/);
  });

  it('refuses a member (its id is no token) and an authorization header besides', () => {
    assert.match(problemsOf(enrolRiku, { request: { method: 'GET', path: '/v1/me', as: '{riku}' } }).join('\n'), /request\.as \{riku\} is a member, not a session token/);
    const both = { request: { method: 'GET', path: '/v1/me', as: 'anonymous', headers: { Authorization: 'Bearer x' } } };
    assert.match(problemsOf(both).join('\n'), /request\.as and an authorization header both say who sends it/);
  });

  it('refuses an unknown token name before running', () => {
    assert.match(problemsOf({ request: { method: 'GET', path: '/v1/me', as: '{nobody}' } }).join('\n'), /steps\.0\.request\.as: .*no earlier enrol step remembers "nobody"/);
  });
});
