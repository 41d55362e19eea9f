import { Type, type Static } from 'typebox';
import type { Campaign } from '../campaigns/load.js';
import type { SweepstakesDefinition } from '../sweepstakes/definition.js';

/**
 * The shape of `examples/programs/<key>/program.yaml`. Every object is closed (unknown keys are
 * errors, so a misspelt `yearsAfer` is refused rather than silently ignored) and every number has
 * a limit. Checks a schema cannot express (the key names its folder, the time zone exists) are in
 * `validate.ts`; those of tiers and earning rules (ladder order, dates, references, CEL conditions)
 * in `validate-rules.ts`.
 */

const closed = { additionalProperties: false } as const;

/** Lowercase kebab-case: the folder name, the URL segment and the `programs.key` column. */
export const programKeyPattern = '^[a-z][a-z0-9]*(-[a-z0-9]+)*$';
export const currencyPattern = '^[A-Z]{3}$';

export const NoExpiry = Type.Object({ policy: Type.Literal('none') }, closed);

/** Expires at the start of the day (or month) after "earned + months", in the program's zone. */
export const RollingMonthsExpiry = Type.Object(
  {
    policy: Type.Literal('rolling_months'),
    months: Type.Integer({ minimum: 1, maximum: 1200 }),
    endOf: Type.Optional(Type.Enum(['day', 'month'])),
  },
  closed,
);

/** FL-8: points earned in fiscal year X expire at the end of fiscal year X + yearsAfter. */
export const FiscalYearEndExpiry = Type.Object(
  {
    policy: Type.Literal('fiscal_year_end'),
    yearsAfter: Type.Integer({ minimum: 0, maximum: 100 }),
  },
  closed,
);

/** The expiry variants by their `policy`, so the loader can report errors of the one meant. */
export const expiryPolicies = {
  none: NoExpiry,
  rolling_months: RollingMonthsExpiry,
  fiscal_year_end: FiscalYearEndExpiry,
} as const;

export const ExpirySchema = Type.Union([NoExpiry, RollingMonthsExpiry, FiscalYearEndExpiry]);

/** Kebab-case ids of rules, tiers, promotions and partners: named in reasons, parts and ledger entries. */
export const ruleIdPattern = programKeyPattern;
/** A local date in the program's zone, `YYYY-MM-DD`; `validate-rules.ts` checks that the day exists. */
export const localDatePattern = '^\\d{4}-\\d{2}-\\d{2}$';

const RuleId = Type.String({ pattern: ruleIdPattern, maxLength: 64 });
const LocalDate = Type.String({ pattern: localDatePattern });
/** A CEL condition (`src/rules/`), compiled at load: a bad one is refused with its line. */
const When = Type.String({ minLength: 1, maxLength: 2000 });
const Names = Type.Object(
  {
    ja: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    en: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  closed,
);

/** SU-1: a status held from `minYears` whole years after joining; `when` adds a condition. */
export const TenureTierRow = Type.Object(
  { key: RuleId, minYears: Type.Integer({ minimum: 0, maximum: 200 }), when: Type.Optional(When), names: Type.Optional(Names) },
  closed,
);

/** A status held from `minPoints` earned in the last `windowMonths`; `when` adds a condition. */
export const PointsTierRow = Type.Object(
  { key: RuleId, minPoints: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }), when: Type.Optional(When), names: Type.Optional(Names) },
  closed,
);

const ladderLimits = { minItems: 1, maxItems: 50 } as const;

/** SU-1: status from tenure. `tenureFrom: month` counts years from the first day of the joining month. */
export const TenureTiers = Type.Object(
  {
    basis: Type.Literal('tenure'),
    tenureFrom: Type.Optional(Type.Enum(['date', 'month'])),
    ladder: Type.Array(TenureTierRow, ladderLimits),
  },
  closed,
);

export const PointsEarnedTiers = Type.Object(
  {
    basis: Type.Literal('points_earned'),
    windowMonths: Type.Integer({ minimum: 1, maximum: 120 }),
    ladder: Type.Array(PointsTierRow, ladderLimits),
  },
  closed,
);

/** The tier variants by their `basis`, so the loader can report errors of the one meant. */
export const tierBases = { tenure: TenureTiers, points_earned: PointsEarnedTiers } as const;
export const TiersSchema = Type.Union([TenureTiers, PointsEarnedTiers]);

/** The parts of an order line that may earn (SR-2: price only — not tax, shipping or fees). */
export const amountParts = ['price', 'tax', 'shipping', 'fees'] as const;
export const roundingModes = ['floor', 'half_up', 'ceil'] as const;

/** SR-2: `points` per `per` minor units of the eligible amount, rounded on the order's eligible total. */
export const SpendRule = Type.Object(
  {
    id: RuleId,
    points: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    per: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
    amounts: Type.Array(Type.Enum([...amountParts]), { minItems: 1, maxItems: amountParts.length, uniqueItems: true }),
    rounding: Type.Enum([...roundingModes]),
    when: Type.Optional(When),
  },
  closed,
);

/** SR-2: the named rules' points × `multiplier` in total for orders placed from `from` to `until` (local, inclusive). */
export const Promotion = Type.Object(
  {
    id: RuleId,
    from: LocalDate,
    until: LocalDate,
    multiplier: Type.Integer({ minimum: 1, maximum: 100 }),
    rules: Type.Array(RuleId, { minItems: 1, maxItems: 50, uniqueItems: true }),
    when: Type.Optional(When),
  },
  closed,
);

/** SR-1: a bonus for enrolling from `from` to `until` (local, inclusive), for the first `cap` only. */
export const EnrolmentBonus = Type.Object(
  {
    id: RuleId,
    points: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    from: LocalDate,
    until: LocalDate,
    cap: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
    notMemberWithinDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3660 })),
  },
  closed,
);

/** FL-2: fixed points per billing month by contract type, not by the amount billed. */
export const MonthlyGrant = Type.Object(
  {
    id: RuleId,
    pointsByContractType: Type.Record(Type.String(), Type.Integer({ minimum: 1, maximum: 1_000_000 }), {
      minProperties: 1,
      maxProperties: 1000,
    }),
    when: Type.Optional(When),
  },
  closed,
);

/** SR-7: a partner whose points land in the member's account. */
export const Partner = Type.Object({ id: RuleId, name: Type.String({ minLength: 1, maxLength: 200 }), names: Type.Optional(Names) }, closed);

/** FL-10: the events that forfeit all of a member's points. */
export const forfeitEvents = ['contract.cancelled', 'contract.converted', 'member.left'] as const;

export const EarningSchema = Type.Object(
  {
    creditOn: Type.Optional(Type.Enum(['shipment', 'placement'])),
    spend: Type.Optional(Type.Array(SpendRule, { maxItems: 50 })),
    promotions: Type.Optional(Type.Array(Promotion, { maxItems: 200 })),
    promotionStacking: Type.Optional(Type.Enum(['best', 'sum'])),
    returns: Type.Optional(Type.Object({ clawback: Type.Enum(['allow_negative', 'up_to_available']) }, closed)),
    enrolmentBonus: Type.Optional(Type.Array(EnrolmentBonus, { maxItems: 50 })),
    monthlyGrants: Type.Optional(Type.Array(MonthlyGrant, { maxItems: 50 })),
    partners: Type.Optional(Type.Array(Partner, { maxItems: 100 })),
    forfeitOn: Type.Optional(Type.Array(Type.Enum([...forfeitEvents]), { maxItems: forfeitEvents.length, uniqueItems: true })),
  },
  closed,
);

/** The ways a member may spend points. There is no cash-out kind: points never become e-money (FL-3). */
export const redemptionKinds = ['bill_credit', 'catalog', 'checkout'] as const;
export const rewardKinds = ['item', 'service', 'experience'] as const;
/** HTTP header names as the gateway sets them; compared case-insensitively. */
export const headerNamePattern = '^[A-Za-z][A-Za-z0-9-]{0,63}$';

/**
 * FL-3, FL-6: a reward of the catalog. `stock` is how many may be taken in all (raise it to
 * restock); the database counts those taken. Without `stock`, the reward is unlimited.
 */
export const Reward = Type.Object(
  {
    id: RuleId,
    names: Type.Object({ ja: Type.String({ minLength: 1, maxLength: 200 }), en: Type.String({ minLength: 1, maxLength: 200 }) }, closed),
    points: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
    stock: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
    kind: Type.Enum([...rewardKinds]),
    shipping: Type.Enum(['required', 'none']),
  },
  closed,
);

/** FL-4: bill credit in `step`-point steps, at most `monthlyCap` points per billing month per member. */
export const BillCredit = Type.Object(
  {
    step: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    monthlyCap: Type.Integer({ minimum: 1, maximum: 1_000_000_000_000 }),
  },
  closed,
);

/** SR-5: points as a payment method at checkout, in `step`-point steps (default: the points of one minor unit). */
export const Checkout = Type.Object({ step: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })) }, closed);

/**
 * FL-5: the kinds in `required` need the member's registered line (the gateway sets
 * `trustedHeader: true`) or a one-time step-up key.
 */
export const StepUp = Type.Object(
  {
    trustedHeader: Type.String({ pattern: headerNamePattern }),
    required: Type.Array(Type.Enum([...redemptionKinds]), { maxItems: redemptionKinds.length, uniqueItems: true }),
    /** At most 10 (ASVS 6.5.5 caps out-of-band codes at 10 minutes). */
    keyValidMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    /** Wrong keys a member may send per day (program zone) before keys stop being accepted that day. */
    maxFailuresPerDay: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  closed,
);

export const RedemptionSchema = Type.Object(
  {
    catalog: Type.Optional(Type.Array(Reward, { maxItems: 1000 })),
    billCredit: Type.Optional(BillCredit),
    checkout: Type.Optional(Checkout),
    stepUp: Type.Optional(StepUp),
  },
  closed,
);

export const signUpKinds = ['access_key', 'registered_email', 'easy'] as const;
export const locales = ['ja', 'en'] as const;

/**
 * FL-1: how members get a log-in. `access_key`: customer id + the access key of the activation
 * letter, then a link to the given email. `registered_email`: customer id, then a link to the email
 * already on record. `easy`: name, phone and email, checked against the contract by an operator.
 */
export const AccountsSchema = Type.Object(
  {
    signUp: Type.Array(Type.Enum([...signUpKinds]), { minItems: 1, maxItems: signUpKinds.length, uniqueItems: true }),
    /** The language of emails when the person chose none. */
    defaultLocale: Type.Optional(Type.Enum([...locales])),
  },
  closed,
);

export const contactChannels = ['phone', 'email', 'post', 'sms'] as const;
export const requestChannels = ['phone', 'email', 'web'] as const;
const BusinessDays = Type.Integer({ minimum: 0, maximum: 100 });

/**
 * DN: do-not-solicit requests. A request for the company or its affiliates stops marketing on the
 * `solicitation` channels; "all" (DN-4) stops marketing on the `all` channels for the company and
 * every affiliate. A verified request takes effect at the start of the business day
 * `processingDays[channel of the request]` business days later (DN-3), affiliates
 * `affiliateExtraDays` later still (their outside callers apply it from the suppression export).
 * Business days are Monday to Friday in the program's time zone, except `holidays`.
 */
export const ConsentSchema = Type.Object(
  {
    affiliates: Type.Array(Type.Object({ id: RuleId, names: Names }, closed), { maxItems: 100 }),
    solicitation: Type.Array(Type.Enum([...contactChannels]), { minItems: 1, maxItems: contactChannels.length, uniqueItems: true }),
    all: Type.Array(Type.Enum([...contactChannels]), { minItems: 1, maxItems: contactChannels.length, uniqueItems: true }),
    processingDays: Type.Object({ phone: BusinessDays, email: BusinessDays, web: BusinessDays }, closed),
    affiliateExtraDays: Type.Optional(BusinessDays),
    holidays: Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), { maxItems: 2000, uniqueItems: true }),
  },
  closed,
);

/**
 * FL-7: the monthly balance email, on the 1st of each month at `hour` (program time zone), with the
 * points that expire at the end of the current fiscal year; and the expiry warning. Both are
 * transactional: they go whatever the marketing consent (DN-5).
 */
export const NotificationsSchema = Type.Object(
  {
    monthlyBalance: Type.Optional(Type.Object({ hour: Type.Integer({ minimum: 0, maximum: 23 }) }, closed)),
    /** On the 1st at `hour`: a warning to members with points expiring within `withinDays` days. */
    expiringSoon: Type.Optional(
      Type.Object({ withinDays: Type.Integer({ minimum: 1, maximum: 366 }), hour: Type.Integer({ minimum: 0, maximum: 23 }) }, closed),
    ),
  },
  closed,
);

export const ProgramSchema = Type.Object(
  {
    key: Type.String({ pattern: programKeyPattern, maxLength: 64 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    names: Type.Optional(
      Type.Object(
        {
          ja: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          en: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        },
        closed,
      ),
    ),
    timeZone: Type.String({ minLength: 1, maxLength: 64 }),
    currency: Type.String({ pattern: currencyPattern }),
    /** An integer ratio: `points` points are worth `amountMinor` minor units of `currency`. */
    pointValue: Type.Object(
      {
        points: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        amountMinor: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
      },
      closed,
    ),
    fiscalYear: Type.Optional(Type.Object({ startMonth: Type.Integer({ minimum: 1, maximum: 12 }) }, closed)),
    expiry: ExpirySchema,
    tiers: Type.Optional(TiersSchema),
    earning: Type.Optional(EarningSchema),
    redemption: Type.Optional(RedemptionSchema),
    accounts: Type.Optional(AccountsSchema),
    consent: Type.Optional(ConsentSchema),
    notifications: Type.Optional(NotificationsSchema),
  },
  closed,
);

export type ProgramDefinition = Static<typeof ProgramSchema>;
export type ExpiryPolicy = Static<typeof ExpirySchema>;
export type TierConfig = Static<typeof TiersSchema>;
export type TenureTierConfig = Static<typeof TenureTiers>;
export type PointsEarnedTierConfig = Static<typeof PointsEarnedTiers>;
export type TierRow = TierConfig['ladder'][number];
export type EarningConfig = Static<typeof EarningSchema>;
export type SpendRuleConfig = Static<typeof SpendRule>;
export type PromotionConfig = Static<typeof Promotion>;
export type EnrolmentBonusConfig = Static<typeof EnrolmentBonus>;
export type MonthlyGrantConfig = Static<typeof MonthlyGrant>;
export type PartnerConfig = Static<typeof Partner>;
export type AmountPart = (typeof amountParts)[number];
export type RoundingMode = (typeof roundingModes)[number];
export type ForfeitEvent = (typeof forfeitEvents)[number];
export type RedemptionConfig = Static<typeof RedemptionSchema>;
export type RewardConfig = Static<typeof Reward>;
export type RedemptionKind = (typeof redemptionKinds)[number];
export type SignUpKind = (typeof signUpKinds)[number];
export type ConsentConfig = Static<typeof ConsentSchema>;
export type ContactChannel = (typeof contactChannels)[number];
export type RequestChannel = (typeof requestChannels)[number];
export type Locale = (typeof locales)[number];

/**
 * A definition that passed every check, and the file it came from (for messages and audits), with
 * the sweepstakes and campaigns defined beside it (`sweepstakes/*.yaml`, `campaigns/*.yaml`; none
 * when absent).
 */
export type Program = ProgramDefinition & {
  sourceFile: string;
  sweepstakes?: readonly SweepstakesDefinition[];
  campaigns?: readonly Campaign[];
};

/** Defaults of the optional keys, in one place. */
export const defaultFiscalYearStartMonth = 1;
export const defaultRollingEndOf = 'day';
export const defaultTenureFrom = 'date';
/** Validation requires `creditOn` whenever there are spend rules (SR-3); this is for programs without. */
export const defaultCreditOn = 'placement';
export const defaultPromotionStacking = 'best';
/** SR-6 without a stated policy: a return never takes the balance below zero. */
export const defaultClawback = 'up_to_available';
export const defaultLocale = 'ja';
/** FL-5 and ASVS 6.5.5: a step-up key lives 10 minutes; 10 wrong keys a day stop them for the day. */
export const defaultStepUpKeyValidMinutes = 10;
export const defaultStepUpMaxFailuresPerDay = 10;
