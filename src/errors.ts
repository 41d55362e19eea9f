/**
 * The one catalog of refusal codes. A refusal is a business "no" with a stable code that clients
 * rely on: codes are never renamed or reused. `docs/errors.md` lists the same codes (a test
 * compares them), and only `http/errors.ts` turns a refusal into problem+json.
 */
export const refusals = {
  invalid_request: { status: 400, en: 'The request is not valid', ja: 'リクエストが正しくありません' },
  unauthorized: { status: 401, en: 'Authentication is required', ja: '認証が必要です' },
  forbidden: { status: 403, en: 'You may not do this', ja: 'この操作は許可されていません' },
  not_found: { status: 404, en: 'Not found', ja: '見つかりません' },
  member_exists: { status: 409, en: 'A member with this external id already exists', ja: 'この外部IDの会員は既に存在します' },
  link_exists: { status: 409, en: 'This account is linked to another member', ja: 'このアカウントは別の会員に連携済みです' },
  idempotency_key_in_flight: {
    status: 409,
    en: 'A request with this Idempotency-Key is still being processed; retry shortly',
    ja: '同じIdempotency-Keyのリクエストを処理中です。しばらくして再試行してください',
  },
  idempotency_key_reused: {
    status: 422,
    en: 'This Idempotency-Key was already used with a different request',
    ja: 'このIdempotency-Keyは別の内容のリクエストで使用済みです',
  },
  insufficient_points: { status: 422, en: 'Not enough points', ja: 'ポイントが不足しています' },
  invalid_expiry: { status: 422, en: 'The expiry must be in the future', ja: '有効期限は将来の日時である必要があります' },
  exceeds_original: {
    status: 422,
    en: 'More points than remain on the original transaction',
    ja: '元の取引の残りポイントを超えています',
  },
  nothing_to_forfeit: { status: 422, en: 'The member has no points to forfeit', ja: '失効させるポイントがありません' },
  not_reversible: { status: 422, en: 'This kind of transaction cannot be reversed', ja: 'この種類の取引は取り消せません' },
  unknown_event_type: { status: 422, en: 'Unknown event type', ja: '不明なイベント種別です' },
  invalid_event: { status: 422, en: 'The event data is not valid', ja: 'イベントの内容が正しくありません' },
  unknown_member: { status: 422, en: 'The event names no known member', ja: 'イベントの会員が見つかりません' },
  not_a_member: { status: 422, en: 'Not a member at that time', ja: 'その時点で会員ではありません' },
  order_exists: { status: 422, en: 'This order was already placed', ja: 'この注文は登録済みです' },
  unknown_order: { status: 422, en: 'No such order', ja: '注文が見つかりません' },
  order_closed: { status: 422, en: 'The order is already cancelled or returned', ja: '注文は既にキャンセルまたは返品済みです' },
  placed_before_link: {
    status: 422,
    en: 'Orders placed before the account was linked earn nothing',
    ja: 'アカウント連携前の注文はポイント対象外です',
  },
  currency_mismatch: { status: 422, en: 'The currency differs from the program currency', ja: '通貨がプログラムの通貨と異なります' },
  unknown_partner: { status: 422, en: 'Not a partner of this program', ja: 'このプログラムの提携先ではありません' },
  unknown_contract: { status: 422, en: 'No such active contract', ja: '有効な契約が見つかりません' },
  unknown_program: { status: 404, en: 'No such program', ja: 'プログラムが見つかりません' },
  test_clock_disabled: {
    status: 404,
    en: 'The test clock is off; start the server with --test-clock',
    ja: 'テストクロックは無効です。--test-clock で起動してください',
  },
  clock_moved_backwards: {
    status: 422,
    en: 'The test clock only moves forward',
    ja: 'テストクロックは進めることしかできません',
  },
  // Redemption (FL-3..FL-6, SR-5)
  redemption_not_offered: { status: 422, en: 'The program does not offer this kind of redemption', ja: 'このプログラムではこの交換はできません' },
  unknown_reward: { status: 422, en: 'No such reward in the catalog', ja: 'カタログにない商品です' },
  invalid_step: { status: 422, en: 'Points must be a multiple of the step', ja: 'ポイントは交換単位の倍数で指定してください' },
  over_limit: { status: 422, en: 'More points than the limit allows', ja: '交換上限を超えています' },
  out_of_stock: { status: 422, en: 'The reward is out of stock', ja: '在庫がありません' },
  shipping_address_required: {
    status: 422,
    en: 'A shipping address is needed for this reward',
    ja: 'この商品には配送先住所が必要です',
  },
  step_up_required: {
    status: 422,
    en: 'Use the registered line or a step-up key',
    ja: 'ご登録の回線から、または認証キーを使って申し込んでください',
  },
  no_email: { status: 422, en: 'There is no email address to send this to', ja: '送信先のメールアドレスが登録されていません' },
  not_refundable: { status: 422, en: 'This redemption cannot be refunded', ja: 'この交換は返還できません' },
  // Accounts (FL-1)
  login_failed: { status: 401, en: 'The email or the password is wrong', ja: 'メールアドレスまたはパスワードが違います' },
  too_many_attempts: { status: 429, en: 'Too many attempts; try again later', ja: '試行回数が多すぎます。しばらくしてからお試しください' },
  rate_limited: { status: 429, en: 'Too many requests; try again later', ja: 'リクエストが多すぎます。しばらくしてからお試しください' },
  account_pending: {
    status: 403,
    en: 'The sign-up is being checked against the contract',
    ja: 'ご契約内容を確認中です',
  },
  // F2 (decision 72): a log-in from a device not known for the account while log-ins are challenged
  login_challenge_required: {
    status: 403,
    en: 'To log in from this device, ask for a log-in code by email',
    ja: 'この端末からログインするには、メールでログインコードを受け取ってください',
  },
  login_code_invalid: { status: 401, en: 'The log-in code is wrong or has expired', ja: 'ログインコードが違うか、有効期限が切れています' },
  signup_not_offered: { status: 422, en: 'The program does not offer this kind of sign-up', ja: 'このプログラムではこの方法で登録できません' },
  access_key_mismatch: { status: 422, en: 'The customer id and access key do not match', ja: 'お客さまIDとアクセスキーが一致しません' },
  account_exists: { status: 409, en: 'There is already a log-in for this customer or email', ja: 'このお客さままたはメールアドレスは登録済みです' },
  link_invalid: { status: 422, en: 'The link has expired or was already used', ja: 'リンクの有効期限が切れているか、使用済みです' },
  weak_password: { status: 422, en: 'The password is too weak', ja: 'パスワードが弱すぎます' },
  signup_not_pending: { status: 409, en: 'The sign-up is not waiting for review', ja: 'この登録は確認待ちではありません' },
  // Consent (DN)
  consent_not_configured: { status: 422, en: 'The program takes no contact requests', ja: 'このプログラムでは勧誘停止の受付をしていません' },
  not_opted_out: { status: 422, en: 'No effective opt-out covered this contact', ja: 'この連絡の時点で有効な勧誘停止はありません' },
  operator_exists: { status: 409, en: 'An operator with this email already exists', ja: 'このメールアドレスのオペレーターは既に存在します' },
  // Webhooks (#7)
  webhook_url_not_allowed: {
    status: 422,
    en: 'Webhook URLs must be https:// (http:// only to localhost), without a user or password',
    ja: 'Webhook の URL は https:// で指定してください（http:// は localhost のみ。ユーザー名・パスワードは含めないでください）',
  },
  too_many_webhooks: { status: 422, en: 'The program has as many active webhooks as allowed', ja: 'このプログラムの有効な Webhook が上限に達しています' },
  webhook_disabled: { status: 409, en: 'The webhook is disabled', ja: 'この Webhook は無効化されています' },
  // Sweepstakes (SU)
  unknown_sweepstakes: { status: 404, en: 'No such sweepstakes', ja: '抽選企画が見つかりません' },
  window_closed: { status: 422, en: 'Entries are not open now', ja: '現在は応募期間外です' },
  not_eligible: { status: 422, en: 'Not eligible', ja: '対象外です' },
  already_entered: { status: 422, en: 'Already entered in this period; the first entry counts', ja: '今回は応募済みです（最初の応募のみ有効です）' },
  country_not_allowed: { status: 422, en: 'Not available from this country', ja: 'この国・地域からはご利用いただけません' },
  unknown_prize: { status: 422, en: 'No such prize', ja: 'この賞はありません' },
  postal_address_required: { status: 422, en: 'A registered postal address is needed to enter', ja: '応募には登録住所が必要です' },
  entry_link_invalid: { status: 422, en: 'The entry link is not valid for this entry', ja: 'この応募リンクは無効です' },
  draw_too_early: { status: 409, en: 'The draw of this period is not due yet', ja: 'この期間の抽選はまだ実施できません' },
  draw_already_run: { status: 409, en: 'This period was already drawn', ja: 'この期間は抽選済みです' },
  entry_already_excluded: { status: 409, en: 'The entry is already excluded', ja: 'この応募は既に対象外にされています' },
  // Campaigns (#5, GG-1..GG-12)
  unknown_campaign: { status: 404, en: 'No such campaign', ja: 'キャンペーンが見つかりません' },
  unknown_line: { status: 422, en: 'The member has no such line', ja: '指定の回線が見つかりません' },
  // Operator console (#8)
  simulator_busy: { status: 503, en: 'A scenario is already running on this server; try again when it ends', ja: 'このサーバーでは別のシナリオを実行中です。終了後にもう一度お試しください' },
} as const satisfies Record<string, { status: number; en: string; ja: string }>;

export type RefusalCode = keyof typeof refusals;

/** A thrown business refusal: the first failed check, with what a person needs to act on it. */
export class Refusal extends Error {
  readonly code: RefusalCode;
  readonly params: Record<string, unknown>;

  constructor(code: RefusalCode, message?: string, params: Record<string, unknown> = {}) {
    super(message ?? refusals[code].en);
    this.name = 'Refusal';
    this.code = code;
    this.params = params;
  }
}

export function refusal(code: RefusalCode, message?: string, params?: Record<string, unknown>): Refusal {
  return new Refusal(code, message, params);
}

export function isRefusalCode(code: string): code is RefusalCode {
  return Object.hasOwn(refusals, code);
}

/** A fault: a broken invariant or a bug. Never caught to carry on. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
