import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { renderTemplate } from './templates.js';

// 03:00Z is noon in Tokyo.
const AT = Temporal.Instant.from('2026-04-10T03:00:00Z');
const vars = { programName: 'Club', timeZone: 'Asia/Tokyo' };

describe('log-in email templates (F2, F3; decision 72)', () => {
  it('sends the log-in code in the body only, as a secret, with when it ends', () => {
    for (const locale of ['ja', 'en'] as const) {
      const rendered = renderTemplate({ template: 'login_code', locale, vars: { ...vars, code: '04291735', expiresAt: AT } });
      assert.equal(rendered.secret, true);
      assert.match(rendered.body, /^04291735$/m);
      assert.ok(!rendered.subject.includes('04291735'), 'subjects show on locked screens');
      assert.ok(rendered.body.includes(locale === 'ja' ? '2026年4月10日 12:00 JST' : 'April 10, 2026'), rendered.body);
    }
    assert.equal(renderTemplate({ template: 'login_code', locale: 'ja', vars: { ...vars, code: '04291735', expiresAt: AT } }).subject, '【Club】ログインコード');
    assert.throws(() => renderTemplate({ template: 'login_code', locale: 'en', vars: { ...vars, code: '0429 1735', expiresAt: AT } }), /one word/);
  });

  it('tells the owner of a log-in from a new device, when, and what to do if it was not them', () => {
    const ja = renderTemplate({ template: 'new_log_in', locale: 'ja', vars: { ...vars, at: AT } });
    assert.equal(ja.subject, '【Club】新しい端末からログインがありました');
    assert.equal(ja.secret, false, 'kept like other notices, not a secret');
    assert.ok(ja.body.includes('2026年4月10日 12:00 JST') && ja.body.includes('パスワードを再設定'), ja.body);
    const en = renderTemplate({ template: 'new_log_in', locale: 'en', vars: { ...vars, at: AT } });
    assert.equal(en.subject, 'New log-in to Club');
    assert.ok(en.body.includes('reset your password'), en.body);
  });
});
