import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Refusal } from '../errors.js';
import { checkPasswordRules, hashPassword, verifyPassword } from './passwords.js';

async function reasonOf(password: string, context: string[] = []): Promise<string | undefined> {
  try {
    await checkPasswordRules(password, context);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof Refusal && error.code === 'weak_password', String(error));
    return String(error.params.reason);
  }
}

it('F5: refuses short, over-long, common and personal passwords, and accepts passphrases', async () => {
  assert.equal(await reasonOf('Ab1!xyz'), 'too_short');
  assert.equal(await reasonOf('a'.repeat(129)), 'too_long');
  assert.equal(await reasonOf('password1'), 'guessable');
  assert.equal(await reasonOf('iloveyou2'), 'guessable');
  assert.equal(await reasonOf('qwertyuiop'), 'guessable');
  assert.equal(await reasonOf('taro.yamada-2026!', ['taro.yamada@example.jp']), 'personal');
  assert.equal(await reasonOf('CAF12345678 fibre', ['CAF12345678']), 'personal');
  assert.equal(await reasonOf('hikari fibre tumbler kettle'), undefined);
  // Long passwords are allowed (NIST: at least 64), and characters count as people see them.
  assert.equal(await reasonOf('光回線でポイントをためる毎日の小さな楽しみ'), undefined);
  assert.equal(await reasonOf('x'.repeat(10) + ' correct horse battery staple '.repeat(3)), undefined);
});

it('hashes with argon2id, salted, and verifies only the right password', async () => {
  const [first, second] = await Promise.all([hashPassword('hikari fibre tumbler kettle'), hashPassword('hikari fibre tumbler kettle')]);
  assert.match(first, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.notEqual(first, second, 'each hash has its own salt');
  assert.equal(await verifyPassword(first, 'hikari fibre tumbler kettle'), true);
  assert.equal(await verifyPassword(first, 'hikari fibre tumbler kettlE'), false);
});
