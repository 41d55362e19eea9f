import type { Locale } from '../../i18n/i18n';

/** The words of the log-in challenge (F2, decision 72), in both languages of the UI. */
const texts = {
  ja: {
    why: '最近ログインの失敗が多いため、この端末からログインするには、メールでお送りするログインコードが必要です。',
    send: 'コードをメールで受け取る',
    sent: 'このメールアドレスのアカウントがあれば、コードをお送りしました。10分間有効です。',
    code: 'ログインコード（8桁）',
  },
  en: {
    why: 'Many log-ins have failed lately, so to log in from this device you need a log-in code that we email you.',
    send: 'Email me a code',
    sent: 'If this email has an account, a code is on its way. It works for 10 minutes.',
    code: 'Log-in code (8 digits)',
  },
} as const satisfies Record<Locale, Record<string, string>>;

export function challengeText(locale: Locale) {
  return texts[locale];
}
