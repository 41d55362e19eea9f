import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultLoginDefence, readLoginDefence } from './login-defence.js';

describe('login challenge configuration (F2, decision 72)', () => {
  it('defaults to 30 failures in 5 minutes a program, 20 accounts an hour an address, 15 minutes of cool-off', () => {
    assert.deepEqual(readLoginDefence({}), { program: { limit: 30, windowSeconds: 300 }, coolOffSeconds: 900, address: { limit: 20, windowSeconds: 3600 } });
    assert.deepEqual(readLoginDefence({}), defaultLoginDefence);
  });

  it('reads <count>/<window>, off and a cool-off from the environment', () => {
    const read = readLoginDefence({
      POINTBOOK_LOGIN_CHALLENGE_PROGRAM: '500/10m',
      POINTBOOK_LOGIN_CHALLENGE_ADDRESS: 'off',
      POINTBOOK_LOGIN_CHALLENGE_COOL_OFF: '1h',
    });
    assert.deepEqual(read, { program: { limit: 500, windowSeconds: 600 }, coolOffSeconds: 3600, address: null });
    assert.deepEqual(readLoginDefence({ POINTBOOK_LOGIN_CHALLENGE_PROGRAM: 'off', POINTBOOK_LOGIN_CHALLENGE_ADDRESS: '5/30s' }).address, { limit: 5, windowSeconds: 30 });
  });

  it('refuses what it cannot read, naming the variable', () => {
    for (const bad of ['30', '0/5m', '30/0m', '30/5w', '30/31d', '-1/5m', 'thirty/5m']) {
      assert.throws(() => readLoginDefence({ POINTBOOK_LOGIN_CHALLENGE_PROGRAM: bad }), /POINTBOOK_LOGIN_CHALLENGE_PROGRAM/, bad);
    }
    assert.throws(() => readLoginDefence({ POINTBOOK_LOGIN_CHALLENGE_COOL_OFF: '15' }), /POINTBOOK_LOGIN_CHALLENGE_COOL_OFF/);
  });
});
