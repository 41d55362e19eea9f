import { Type, type Static } from 'typebox';

/**
 * The shape of `examples/programs/<key>/program.yaml`. Every object is closed (unknown keys are
 * errors, so a misspelt `yearsAfer` is refused rather than silently ignored) and every number has
 * a limit. Checks a schema cannot express (the key names its folder, the time zone exists) are in
 * `validate.ts`.
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
  },
  closed,
);

export type ProgramDefinition = Static<typeof ProgramSchema>;
export type ExpiryPolicy = Static<typeof ExpirySchema>;

/** A definition that passed every check, and the file it came from (for messages and audits). */
export type Program = ProgramDefinition & { sourceFile: string };

/** Defaults of the optional keys, in one place. */
export const defaultFiscalYearStartMonth = 1;
export const defaultRollingEndOf = 'day';
