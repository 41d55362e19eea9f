import type { Temporal } from 'temporal-polyfill';
import { when, type Locale } from './templates.js';

/** Log-in notices and codes (RELIABILITY.md F2, F3; decision 72). */
export interface LogInTemplateVars {
  /** The eight-digit code that lets a new device log in while log-ins are challenged. The code is a one-time secret. */
  login_code: { code: string; expiresAt: Temporal.Instant; programName: string; timeZone: string };
  /** Someone logged in with the password from a device not known for the account. */
  new_log_in: { at: Temporal.Instant; programName: string; timeZone: string };
}

interface Text {
  subject: string;
  lines: string[];
}

type LogInTemplates = { [P in keyof LogInTemplateVars]: { secret: boolean } & { [L in Locale]: (vars: LogInTemplateVars[P]) => Text } };

export const logInTemplates: LogInTemplates = {
  login_code: {
    secret: true,
    // The code is in the body only: subjects show on locked screens and in notification previews.
    ja: (v) => ({
      subject: `【${v.programName}】ログインコード`,
      lines: [
        '新しい端末からのログインに使うコードは次のとおりです。パスワードと一緒に入力してください。',
        '',
        v.code,
        '',
        `有効期限は${when(v.expiresAt, v.timeZone, 'ja')}で、1回だけ使えます。`,
        'このコードは誰にも教えないでください。お心当たりのない場合は、このメールを破棄し、パスワードを変更してください。',
      ],
    }),
    en: (v) => ({
      subject: `Your ${v.programName} log-in code`,
      lines: [
        'Your code to log in from a new device; enter it with your password:',
        '',
        v.code,
        '',
        `It works once, until ${when(v.expiresAt, v.timeZone, 'en')}.`,
        'Never share it with anyone. If you did not ask for it, ignore this email and change your password.',
      ],
    }),
  },
  new_log_in: {
    secret: false,
    ja: (v) => ({
      subject: `【${v.programName}】新しい端末からログインがありました`,
      lines: [
        `${when(v.at, v.timeZone, 'ja')}に、これまでお使いでない端末から${v.programName}へのログインがありました。`,
        'ポイント交換などの前には、確認のためメールでコードをお送りします。',
        'お心当たりのない場合は、すぐにパスワードを再設定し、お問い合わせください。',
      ],
    }),
    en: (v) => ({
      subject: `New log-in to ${v.programName}`,
      lines: [
        `Someone logged in to your ${v.programName} account from a device you have not used before, on ${when(v.at, v.timeZone, 'en')}.`,
        'Before points are exchanged from it, we email you a code to confirm.',
        'If this was not you, reset your password now and contact us.',
      ],
    }),
  },
};
