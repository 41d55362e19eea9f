import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { renderTemplate, when, type TemplateInput } from './templates.js';

// 03:00Z is noon in Tokyo and 04:00 in London (BST).
const AT = Temporal.Instant.from('2026-04-10T03:00:00Z');
const tokyo = 'Asia/Tokyo';
const link = 'https://club.example.jp/signup/confirm?t=pbl_0123456789abcdef';

describe('email templates', () => {
  const cases: { input: TemplateInput; secret: boolean; subject: string; body: string[] }[] = [
    {
      input: { template: 'signup_verification', locale: 'ja', vars: { link, expiresAt: AT, programName: 'フレッツ光クラブ', timeZone: tokyo } },
      secret: true,
      subject: '【フレッツ光クラブ】メールアドレスの確認',
      body: [`\n${link}\n`, '2026年4月10日 12:00 JST'],
    },
    {
      input: { template: 'signup_verification', locale: 'en', vars: { link, expiresAt: AT, programName: 'Flets Club', timeZone: tokyo } },
      secret: true,
      subject: 'Confirm your email address for Flets Club',
      body: [`\n${link}\n`, 'April 10, 2026', '12:00 GMT+9'],
    },
    {
      input: { template: 'password_reset', locale: 'ja', vars: { link, expiresAt: AT, programName: 'Club', timeZone: tokyo } },
      secret: true,
      subject: '【Club】パスワードの再設定',
      body: [`\n${link}\n`, '2026年4月10日 12:00 JST'],
    },
    {
      input: { template: 'password_reset', locale: 'en', vars: { link, expiresAt: AT, programName: 'Club', timeZone: 'Europe/London' } },
      secret: true,
      subject: 'Reset your Club password',
      body: [`\n${link}\n`, 'April 10, 2026', '04:00'],
    },
    {
      input: { template: 'step_up_key', locale: 'ja', vars: { key: '042917', expiresAt: AT, programName: 'Club', timeZone: tokyo } },
      secret: true,
      subject: '【Club】ポイント交換の確認コード',
      body: ['\n042917\n', '2026年4月10日 12:00 JST'],
    },
    {
      input: { template: 'step_up_key', locale: 'en', vars: { key: '042917', expiresAt: AT, programName: 'Club', timeZone: tokyo } },
      secret: true,
      subject: 'Your Club confirmation key',
      body: ['\n042917\n', 'April 10, 2026'],
    },
    {
      input: { template: 'credentials_changed', locale: 'ja', vars: { what: 'password', at: AT, programName: 'Club', timeZone: tokyo } },
      secret: false,
      subject: '【Club】パスワードが変更されました',
      body: ['2026年4月10日 12:00 JST'],
    },
    {
      input: { template: 'credentials_changed', locale: 'en', vars: { what: 'email', at: AT, programName: 'Club', timeZone: tokyo } },
      secret: false,
      subject: 'Your Club email address was changed',
      body: ['The email address of your Club account was changed on April 10, 2026'],
    },
    {
      input: { template: 'signup_pending_review', locale: 'ja', vars: { programName: 'Club' } },
      secret: false,
      subject: '【Club】お申し込みを受け付けました',
      body: ['2日ほど'],
    },
    {
      input: { template: 'signup_pending_review', locale: 'en', vars: { programName: 'Club' } },
      secret: false,
      subject: 'We received your application to Club',
      body: ['about two days'],
    },
    { input: { template: 'signup_approved', locale: 'en', vars: { programName: 'Club' } }, secret: false, subject: 'Welcome to Club', body: ['account is open'] },
    { input: { template: 'signup_rejected', locale: 'ja', vars: { programName: 'Club' } }, secret: false, subject: '【Club】お申し込みについて', body: ['確認できませんでした'] },
  ];

  for (const c of cases) {
    it(`${c.input.template} (${c.input.locale})`, () => {
      const rendered = renderTemplate(c.input);
      assert.equal(rendered.subject, c.subject);
      assert.equal(rendered.secret, c.secret);
      for (const part of c.body) assert.ok(rendered.body.includes(part), `body has ${JSON.stringify(part)}:\n${rendered.body}`);
      assert.ok(rendered.body.endsWith(`\n-- \n${c.input.vars.programName}\n${c.input.locale === 'ja' ? 'このメールは自動で送信しています。' : 'This email was sent automatically.'}\n`));
      assert.ok(!rendered.body.includes('\r'), 'lines end in \\n');
      assert.deepEqual(renderTemplate(c.input), rendered, 'pure: the same input gives the same text');
    });
  }

  it('keeps secrets out of every subject (lock screens show subjects)', () => {
    for (const c of cases.filter((x) => x.secret)) {
      const rendered = renderTemplate(c.input);
      assert.ok(!rendered.subject.includes(link) && !rendered.subject.includes('042917'), c.subject);
    }
  });

  it('refuses a link or key that would not survive line wrapping, and a subject of two lines (faults)', () => {
    const vars = { expiresAt: AT, programName: 'Club', timeZone: tokyo };
    assert.throws(() => renderTemplate({ template: 'password_reset', locale: 'en', vars: { ...vars, link: 'https://x.example/a b' } }), /one word/);
    assert.throws(() => renderTemplate({ template: 'step_up_key', locale: 'en', vars: { ...vars, key: '' } }), /one word/);
    assert.throws(() => renderTemplate({ template: 'signup_pending_review', locale: 'en', vars: { programName: 'Club\nBcc: x@y' } }), /one line/);
  });

  it('shows instants in the given zone and locale, on a 24-hour clock', () => {
    assert.equal(when(AT, tokyo, 'ja'), '2026年4月10日 12:00 JST');
    assert.match(when(AT, tokyo, 'en'), /^April 10, 2026.* 12:00 GMT\+9$/);
    assert.match(when(Temporal.Instant.from('2026-04-10T14:30:00Z'), tokyo, 'ja'), /^2026年4月10日 23:30 JST$/);
    assert.match(when(Temporal.Instant.from('2026-04-10T15:30:00Z'), tokyo, 'en'), /^April 11, 2026.* 00:30 GMT\+9$/);
  });
});
