import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { substitute, substituteText, SubstitutionError, type Names } from './substitute.js';

const names: Names = {
  members: new Map([['riku', { id: 'mbr_1', externalId: 'FL5-1' }]]),
  values: new Map<string, unknown>([
    ['rikuKey', '042917'],
    ['session', { token: 'pbs_x', expiresAt: '2026-04-10T13:00:00Z' }],
    ['points', 300],
  ]),
  lastResponse: { status: 201, headers: {}, body: { token: 'pbs_y' } },
  lastMail: { id: 'msg_1', to: 'riku@example.jp', template: 'step_up_key', subject: 'Your key', body: '042917', status: 'pending', key: '042917' },
};

describe('substitute: members, remembered values and the last mail', () => {
  const cases: [string, unknown, unknown][] = [
    ['a member alone is its id', '{riku}', 'mbr_1'],
    ['a value alone is itself, with its type', '{points}', 300],
    ['a value inside text is written out', 'key {rikuKey} for {riku}', 'key 042917 for mbr_1'],
    ['a path into a remembered mapping', '{session.token}', 'pbs_x'],
    ['a whole remembered mapping', { s: '{session}' }, { s: { token: 'pbs_x', expiresAt: '2026-04-10T13:00:00Z' } }],
    ['the last mail', ['{lastMail.key}', '{lastMail.subject}'], ['042917', 'Your key']],
  ];
  for (const [title, written, expected] of cases) it(title, () => assert.deepEqual(substitute(written, names), expected));

  it('fails on a name nobody remembered, listing members and values', () => {
    assert.throws(() => substituteText('/x/{nobody}', names), (error: unknown) => {
      assert.ok(error instanceof SubstitutionError);
      assert.match(error.message, /\{nobody\}: no member or value is remembered as "nobody" \(remembered: riku, rikuKey, session, points\)/);
      return true;
    });
  });

  it('says which mail has no link, and when no mail was read', () => {
    assert.throws(() => substitute('{lastMail.token}', names), /there is nothing at lastMail\.token \(the mail "Your key", step_up_key, has no link with #token=\)/);
    assert.throws(() => substitute('{lastMail.key}', { ...names, lastMail: undefined }), /no earlier mail step has read a mail/);
  });
});
