import type { Temporal } from 'temporal-polyfill';
import { assert } from '../errors.js';
import { logInTemplates, type LogInTemplateVars } from './templates-log-in.js';

export type Locale = 'ja' | 'en';

/**
 * What each template needs. Instants are shown in `timeZone` (an IANA name: the program's zone),
 * in the reader's locale. `programName` is the program's name in that locale.
 */
export interface TemplateVars extends LogInTemplateVars {
  /** Sign-up: confirm the email address. The link is a one-time secret. */
  signup_verification: { link: string; expiresAt: Temporal.Instant; programName: string; timeZone: string };
  /** The link is a one-time secret. */
  password_reset: { link: string; expiresAt: Temporal.Instant; programName: string; timeZone: string };
  /** FL-5: the six-digit key for a redemption. The key is a one-time secret. */
  step_up_key: { key: string; expiresAt: Temporal.Instant; programName: string; timeZone: string };
  /** A notice after the change; for a changed email it goes to the old address. */
  credentials_changed: { what: 'password' | 'email'; at: Temporal.Instant; programName: string; timeZone: string };
  /** Easy sign-up: the contract is being checked, which takes about two days. */
  signup_pending_review: { programName: string };
  /** Easy sign-up: the check passed; the account is open. */
  signup_approved: { programName: string };
  /** Easy sign-up: the details did not match a contract. Says not which, to whoever gave them. */
  signup_rejected: { programName: string };
  /** FL-7: the monthly balance, with the points that expire at the end of this fiscal year. */
  monthly_balance: {
    month: string;
    available: number;
    pending: number;
    expiringPoints: number;
    /** The end of this fiscal year: when `expiringPoints` expire. */
    expiringAt: Temporal.Instant;
    programName: string;
    timeZone: string;
  };
  /** Points that expire within `withinDays` days; the first of them at `firstExpiresAt`. */
  points_expiring_soon: { points: number; firstExpiresAt: Temporal.Instant; withinDays: number; programName: string; timeZone: string };
  /** A marketing offer (campaigns, promotions): its words come from the campaign's configuration. */
  offer: { headline: string; text: string; programName: string };
  /** DN-6: a do-not-solicit or opt-in request was accepted, and when it takes effect. */
  contact_request_confirmation: {
    kind: 'do_not_solicit' | 'opt_in';
    scope: 'company' | 'affiliates' | 'all';
    effectiveAt: Temporal.Instant;
    requestId: string;
    programName: string;
    timeZone: string;
  };
  /**
   * SU-5: the status-up month's invitation, with the member's personal entry link (it names the
   * member, the period and `prizes`, and works only after the member logs in).
   */
  sweepstakes_invitation: { sweepstakesName: string; statusName: string; prizes: string[]; link: string; closesAt: Temporal.Instant; programName: string; timeZone: string };
  /** SU-8: the prize is credited; the credit is the announcement, this notice its receipt. */
  sweepstakes_won: { sweepstakesName: string; prizeName: string; points: number; period: string; programName: string };
}

export type TemplateName = keyof TemplateVars;

/** A template and its variables, checked together: the name decides what `vars` must hold. */
export type TemplateInput<K extends TemplateName = TemplateName> = {
  [P in K]: { template: P; locale: Locale; vars: TemplateVars[P] };
}[K];

export interface RenderedEmail {
  subject: string;
  /** Plain text, lines ending in \n. */
  body: string;
  /** The body carries a secret (a link or key), so it must not outlive delivery. */
  secret: boolean;
}

interface Text {
  subject: string;
  lines: string[];
}

interface Template<V> {
  secret: boolean;
  ja(vars: V): Text;
  en(vars: V): Text;
}

const templates: { [P in TemplateName]: Template<TemplateVars[P]> } = {
  ...logInTemplates,
  signup_verification: {
    secret: true,
    ja: (v) => ({
      subject: `【${v.programName}】メールアドレスの確認`,
      lines: [
        `${v.programName}へのお申し込みありがとうございます。`,
        '次のリンクを開いて、メールアドレスの確認を完了してください。',
        '',
        v.link,
        '',
        `このリンクの有効期限は${when(v.expiresAt, v.timeZone, 'ja')}です。`,
        'お心当たりのない場合は、このメールを破棄してください。',
      ],
    }),
    en: (v) => ({
      subject: `Confirm your email address for ${v.programName}`,
      lines: [
        `Thank you for signing up for ${v.programName}.`,
        'Open this link to confirm your email address:',
        '',
        v.link,
        '',
        `The link works until ${when(v.expiresAt, v.timeZone, 'en')}.`,
        'If you did not sign up, you can ignore this email.',
      ],
    }),
  },
  password_reset: {
    secret: true,
    ja: (v) => ({
      subject: `【${v.programName}】パスワードの再設定`,
      lines: [
        'パスワード再設定のお申し込みを受け付けました。',
        '次のリンクを開いて、新しいパスワードを設定してください。',
        '',
        v.link,
        '',
        `このリンクの有効期限は${when(v.expiresAt, v.timeZone, 'ja')}です。`,
        'お心当たりのない場合は、このメールを破棄してください。パスワードは変更されません。',
      ],
    }),
    en: (v) => ({
      subject: `Reset your ${v.programName} password`,
      lines: [
        'We received a request to reset your password. Open this link to choose a new one:',
        '',
        v.link,
        '',
        `The link works until ${when(v.expiresAt, v.timeZone, 'en')}.`,
        'If you did not ask for this, ignore this email: your password stays as it is.',
      ],
    }),
  },
  step_up_key: {
    secret: true,
    // The key is in the body only: subjects show on locked screens and in notification previews.
    ja: (v) => ({
      subject: `【${v.programName}】ポイント交換の確認コード`,
      lines: [
        'ポイント交換の確認コードは次のとおりです。',
        '',
        v.key,
        '',
        `有効期限は${when(v.expiresAt, v.timeZone, 'ja')}で、1回だけ使えます。`,
        'このコードは誰にも教えないでください。お心当たりのない場合は、このメールを破棄してください。',
      ],
    }),
    en: (v) => ({
      subject: `Your ${v.programName} confirmation key`,
      lines: [
        'Your key to confirm a points exchange:',
        '',
        v.key,
        '',
        `It works once, until ${when(v.expiresAt, v.timeZone, 'en')}.`,
        'Never share it with anyone. If you did not ask for it, ignore this email.',
      ],
    }),
  },
  credentials_changed: {
    secret: false,
    ja: (v) => {
      const what = v.what === 'password' ? 'パスワード' : 'メールアドレス';
      return {
        subject: `【${v.programName}】${what}が変更されました`,
        lines: [
          `${when(v.at, v.timeZone, 'ja')}に、${v.programName}の${what}が変更されました。`,
          'お心当たりのない場合は、すぐにお問い合わせください。',
        ],
      };
    },
    en: (v) => {
      const what = v.what === 'password' ? 'password' : 'email address';
      return {
        subject: `Your ${v.programName} ${what} was changed`,
        lines: [
          `The ${what} of your ${v.programName} account was changed on ${when(v.at, v.timeZone, 'en')}.`,
          'If this was not you, contact us right away.',
        ],
      };
    },
  },
  signup_pending_review: {
    secret: false,
    ja: (v) => ({
      subject: `【${v.programName}】お申し込みを受け付けました`,
      lines: [
        `${v.programName}へのお申し込みありがとうございます。`,
        'ただいまご契約内容を確認しています。確認には2日ほどかかります。',
      ],
    }),
    en: (v) => ({
      subject: `We received your application to ${v.programName}`,
      lines: [`Thank you for applying to ${v.programName}.`, 'We are checking your contract, which takes about two days.'],
    }),
  },
  signup_approved: {
    secret: false,
    ja: (v) => ({
      subject: `【${v.programName}】ご登録が完了しました`,
      lines: ['ご契約内容の確認が終わり、ご登録が完了しました。', 'お申し込み時に設定したメールアドレスとパスワードでログインできます。'],
    }),
    en: (v) => ({
      subject: `Welcome to ${v.programName}`,
      lines: ['We have checked your contract and your account is open.', 'Log in with the email address and password you chose when you applied.'],
    }),
  },
  signup_rejected: {
    secret: false,
    ja: (v) => ({
      subject: `【${v.programName}】お申し込みについて`,
      lines: [
        'お申し込みの内容から、ご契約を確認できませんでした。',
        'ご契約内容をご確認のうえ、もう一度お申し込みいただくか、お問い合わせください。',
      ],
    }),
    en: (v) => ({
      subject: `Your application to ${v.programName}`,
      lines: ['We could not match the details you gave to a contract.', 'Please check them and apply again, or contact us.'],
    }),
  },
  monthly_balance: {
    secret: false,
    ja: (v) => ({
      subject: `【${v.programName}】${v.month.replace('-', '年')}月のポイント残高のお知らせ`,
      lines: [
        `ご利用可能ポイント: ${points(v.available, 'ja')}`,
        ...(v.pending > 0 ? [`付与予定ポイント: ${points(v.pending, 'ja')}`] : []),
        v.expiringPoints > 0
          ? `今年度末（${lastDayBefore(v.expiringAt, v.timeZone, 'ja')}）で失効するポイント: ${points(v.expiringPoints, 'ja')}`
          : `今年度末（${lastDayBefore(v.expiringAt, v.timeZone, 'ja')}）で失効するポイントはありません。`,
        '',
        'ポイントの明細は会員ページでご確認いただけます。',
      ],
    }),
    en: (v) => ({
      subject: `${v.programName}: your points balance for ${v.month}`,
      lines: [
        `Points available: ${points(v.available, 'en')}`,
        ...(v.pending > 0 ? [`Points on the way: ${points(v.pending, 'en')}`] : []),
        v.expiringPoints > 0
          ? `Points expiring at the end of this fiscal year (${lastDayBefore(v.expiringAt, v.timeZone, 'en')}): ${points(v.expiringPoints, 'en')}`
          : `No points expire at the end of this fiscal year (${lastDayBefore(v.expiringAt, v.timeZone, 'en')}).`,
        '',
        'See every entry on your member page.',
      ],
    }),
  },
  points_expiring_soon: {
    secret: false,
    ja: (v) => ({
      subject: `【${v.programName}】まもなく失効するポイントがあります`,
      lines: [
        `${v.withinDays}日以内に ${points(v.points, 'ja')} が失効します（最初の失効: ${lastDayBefore(v.firstExpiresAt, v.timeZone, 'ja')}）。`,
        'お早めに会員ページでポイントをご利用ください。',
      ],
    }),
    en: (v) => ({
      subject: `${v.programName}: some of your points expire soon`,
      lines: [
        `${points(v.points, 'en')} expire within ${v.withinDays} days (the first on ${lastDayBefore(v.firstExpiresAt, v.timeZone, 'en')}).`,
        'Use them on your member page before then.',
      ],
    }),
  },
  offer: {
    secret: false,
    ja: (v) => ({
      subject: `【${v.programName}】${v.headline}`,
      lines: [v.text, '', '配信停止をご希望の場合は、会員ページの「ご案内の設定」からお申し込みください。'],
    }),
    en: (v) => ({
      subject: `${v.programName}: ${v.headline}`,
      lines: [v.text, '', 'To stop these offers, use "Contact preferences" on your member page.'],
    }),
  },
  sweepstakes_invitation: {
    // The link is no log-in: it only lets this member, once logged in, enter these prizes.
    secret: false,
    ja: (v) => ({
      subject: `【${v.programName}おすすめ】${v.sweepstakesName}のご案内`,
      lines: [
        `メンバーステータスが「${v.statusName}」にアップしました。おめでとうございます。`,
        `${v.sweepstakesName}に応募できます（応募できる賞: ${v.prizes.join('・')}）。`,
        '次の応募ページからログインしてご応募ください。',
        '',
        v.link,
        '',
        `応募期限は${lastDayBefore(v.closesAt, v.timeZone, 'ja')}です。ご応募いただいた方全員にポイントをプレゼントします。`,
        '',
        '配信停止をご希望の場合は、会員ページの「ご案内の設定」からお申し込みください。',
      ],
    }),
    en: (v) => ({
      subject: `${v.programName}: ${v.sweepstakesName}`,
      lines: [
        `Congratulations: your member status is now ${v.statusName}.`,
        `You may enter ${v.sweepstakesName} (prizes you can choose: ${v.prizes.join(', ')}).`,
        'Log in on your entry page to enter:',
        '',
        v.link,
        '',
        `Entries close at the end of ${lastDayBefore(v.closesAt, v.timeZone, 'en')}. Everyone who enters gets points.`,
        '',
        'To stop these offers, use "Contact preferences" on your member page.',
      ],
    }),
  },
  sweepstakes_won: {
    secret: false,
    ja: (v) => ({
      subject: `【${v.programName}】${v.sweepstakesName} ご当選のお知らせ`,
      lines: [
        `${month(v.period, 'ja')}にご応募いただいた${v.sweepstakesName}で、${v.prizeName}にご当選されました。`,
        `${points(v.points, 'ja')}をご応募の会員IDに付与しました。`,
        '当選の権利は換金・譲渡できません。',
      ],
    }),
    en: (v) => ({
      subject: `${v.programName}: you won in ${v.sweepstakesName}`,
      lines: [
        `You won ${v.prizeName} in ${v.sweepstakesName} (entries of ${month(v.period, 'en')}).`,
        `${points(v.points, 'en')} have been credited to the member id you entered with.`,
        'Winnings cannot be exchanged for cash or transferred.',
      ],
    }),
  },
  contact_request_confirmation: {
    secret: false,
    ja: (v) => {
      const scope = { company: `${v.programName}から`, affiliates: '関連会社・提携先から', all: `${v.programName}および関連会社・提携先からの、メール・郵送を含むすべて` }[v.scope];
      return {
        subject: `【${v.programName}】${v.kind === 'do_not_solicit' ? '勧誘停止' : 'ご案内の再開'}のお申し込みを受け付けました`,
        lines: [
          v.kind === 'do_not_solicit' ? `${scope}の勧誘の停止を受け付けました。` : `${scope}のご案内の再開を受け付けました。`,
          `${when(v.effectiveAt, v.timeZone, 'ja')}から反映されます。それまでの間、ご案内が届く場合があります。`,
          'ご契約やご利用に関する重要なお知らせは、引き続きお送りします。',
          '',
          `受付番号: ${v.requestId}`,
        ],
      };
    },
    en: (v) => {
      const scope = { company: `from ${v.programName}`, affiliates: 'from our affiliates and partners', all: `of every kind, email and post included, from ${v.programName} and its affiliates and partners` }[v.scope];
      return {
        subject: `${v.programName}: we received your ${v.kind === 'do_not_solicit' ? 'request to stop marketing' : 'request to hear from us again'}`,
        lines: [
          v.kind === 'do_not_solicit' ? `We will stop marketing ${scope}.` : `We will send you offers ${scope} again.`,
          `This takes effect on ${when(v.effectiveAt, v.timeZone, 'en')}; until then you may still hear from us.`,
          'Notices about your contract and services will still reach you.',
          '',
          `Reference: ${v.requestId}`,
        ],
      };
    },
  },
};

/** Renders a template in a locale. Pure: the same input gives the same text. */
export function renderTemplate<K extends TemplateName>(input: TemplateInput<K>): RenderedEmail {
  const template: Template<TemplateVars[K]> = templates[input.template];
  const text = template[input.locale](input.vars);
  // Faults, not refusals: callers pass what they generated or validated themselves.
  assert(!/[\r\n]/.test(text.subject), 'a subject is one line');
  assert(text.lines.every((line) => !/\r/.test(line)), 'template lines end in \\n only');
  const vars: Record<string, unknown> = input.vars;
  for (const name of ['link', 'key', 'code']) {
    const value = vars[name];
    assert(value === undefined || (typeof value === 'string' && /^\S+$/.test(value)), `${name} is one word, so it survives line wrapping`);
  }
  return { subject: text.subject, body: `${text.lines.join('\n')}\n${signature(input.vars.programName, input.locale)}`, secret: template.secret };
}

/** After the usual "-- " line, so mail clients can fold it away. */
function signature(programName: string, locale: Locale): string {
  const automatic = locale === 'ja' ? 'このメールは自動で送信しています。' : 'This email was sent automatically.';
  return `\n-- \n${programName}\n${automatic}\n`;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** "2026年4月10日 12:00 JST", "April 10, 2026 at 12:00 GMT+9": date, 24-hour time and zone. */
/** The last day before `end` (an end of day is the next day's 00:00), as a date: 2027年3月31日 / March 31, 2027. */
function lastDayBefore(end: Temporal.Instant, timeZone: string, locale: Locale): string {
  const day = end.subtract({ nanoseconds: 1 }).toZonedDateTimeISO(timeZone).toPlainDate();
  return day.toLocaleString(locale === 'ja' ? 'ja-JP' : 'en-US', { year: 'numeric', month: 'long', day: 'numeric' });
}

/** Points in the reader's locale: 12,345 pt / 12,345ポイント. */
/** A YYYY-MM period as people write it: 2024年4月, April 2024. */
function month(period: string, locale: Locale): string {
  const [year, monthNumber] = period.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-US', { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(Date.UTC(year, monthNumber - 1, 1));
}

function points(value: number, locale: Locale): string {
  const number = new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-US').format(value);
  return locale === 'ja' ? `${number}ポイント` : `${number} pt`;
}

export function when(instant: Temporal.Instant, timeZone: string, locale: Locale): string {
  const key = `${locale} ${timeZone}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-US', {
      timeZone,
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formats.set(key, format);
  }
  return format.format(instant.epochMilliseconds);
}
