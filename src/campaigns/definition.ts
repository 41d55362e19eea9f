import { Type, type Static } from 'typebox';
import { decisionTableProperties } from './decision-table.js';

/**
 * The shape of `examples/programs/<program>/campaigns/<id>.yaml`. Every object is closed (a
 * misspelt key is refused, not ignored) and every list and number has a limit. What a schema cannot
 * say (real dates, CEL that compiles, tables naming known options and roles) is `validate.ts`'s.
 */
const closed = { additionalProperties: false } as const;

export const campaignIdPattern = '^[a-z][a-z0-9]*(-[a-z0-9]+)*$';
const Id = Type.String({ pattern: campaignIdPattern, maxLength: 64 });
const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Text = Type.String({ minLength: 1, maxLength: 1000 });
export const Message = Type.Object({ ja: Text, en: Text }, closed);
const When = Type.String({ minLength: 1, maxLength: 2000 });
const Names = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 200 });

/** A condition that must hold, named in every "not eligible" with its message in ja and en. */
export const Rule = Type.Object({ id: Id, when: When, message: Message }, closed);
const Rules = Type.Array(Rule, { maxItems: 50 });

export const benefitKinds = ['discount', 'data'] as const;
export type BenefitKind = (typeof benefitKinds)[number];

/** What a benefit table row gives: the chosen option's amount per billing month, for `months` months. */
export const BenefitRow = Type.Object(
  {
    option: Id,
    amount: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    unit: Type.String({ minLength: 1, maxLength: 10 }),
    months: Type.Integer({ minimum: 1, maximum: 120 }),
  },
  closed,
);

export const Option = Type.Object(
  {
    kind: Type.Union(benefitKinds.map((k) => Type.Literal(k))),
    names: Message,
    /** Conditions of this option only (GG-4: the data benefit needs a 4G/LTE device). */
    requires: Type.Optional(Rules),
  },
  closed,
);

/** GG-8, GG-10: a role whose benefit hangs on an active application of another role in the same family group. */
export const DependsOn = Type.Object(
  {
    role: Id,
    message: Message,
    /** GG-10: applying before the other role joins is provisional; it starts these months after that join. */
    preRegistration: Type.Optional(
      Type.Object(
        {
          startMonthsAfterJoin: Type.Record(Type.String(), Type.Integer({ minimum: 1, maximum: 12 })),
          lapseMessage: Message,
        },
        closed,
      ),
    ),
    /** GG-8: ends when the last active application of `role` in the group ends for a reason other than expiry. */
    endsWithIt: Type.Optional(Type.Object({ message: Message }, closed)),
  },
  closed,
);

export const Role = Type.Object(
  {
    names: Message,
    eligibility: Type.Optional(Rules),
    dependsOn: Type.Optional(DependsOn),
  },
  closed,
);

export const contractEventTypes = ['contract.changed', 'contract.cancelled', 'contract.converted'] as const;

/** GG-7, GG-8: an event pattern that ends a benefit; `roles` limits it to some roles. */
export const TerminationRule = Type.Object(
  {
    id: Id,
    on: Type.Array(Type.Union(contractEventTypes.map((t) => Type.Literal(t))), { minItems: 1, maxItems: 3 }),
    when: Type.Optional(When),
    roles: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 10 })),
    message: Message,
  },
  closed,
);

export const lastMonthRules = ['month_before_event', 'event_month'] as const;

/** GG-11: past campaigns (rows) × role and origin (columns); a cell `○` allows re-applying, `×` refuses. */
export const Reapplication = Type.Object(
  {
    columns: Type.Array(Type.Object({ role: Id, origin: Type.Union([Type.Literal('new'), Type.Literal('mnp'), Type.Literal('upgrade')]) }, closed), {
      minItems: 1,
      maxItems: 30,
    }),
    rows: Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.Array(Type.Union([Type.Literal('○'), Type.Literal('×')]), { maxItems: 30 })),
    message: Message,
  },
  closed,
);

export const CampaignSchema = Type.Object(
  {
    id: Id,
    names: Message,
    /** Whole local days in the program's zone, both ends inclusive (GG-1). */
    period: Type.Object({ from: LocalDate, until: LocalDate, message: Message }, closed),
    /** GG-12: terms shown to people, not rules Pointbook enforces. */
    information: Type.Optional(Type.Array(Type.Object({ id: Id, ja: Text, en: Text }, closed), { maxItems: 20 })),
    /** Plans by family; a line's `planFamily` is the family listing its plan ('' when none). */
    planFamilies: Type.Record(Id, Names),
    /** Named lists of strings for conditions (`lists.dataPacks`): designated services, excluded discounts. */
    lists: Type.Optional(Type.Record(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9]*$', maxLength: 64 }), Names)),
    /** GG-6: one line per person (a line's user) in this campaign. */
    onePerPerson: Type.Optional(Type.Object({ message: Message }, closed)),
    /** Conditions of every role. */
    eligibility: Type.Optional(Rules),
    roles: Type.Record(Id, Role),
    options: Type.Record(Id, Option),
    /** GG-3: role × origin × plan family → option, amount, unit, months. */
    benefits: Type.Object({ ...decisionTableProperties, message: Message }, closed),
    /** GG-4: benefits start this many billing months after the month of the contract. */
    start: Type.Object({ monthsAfterContract: Type.Integer({ minimum: 0, maximum: 12 }) }, closed),
    termination: Type.Object(
      {
        /** GG-9: the last billing month of each benefit kind after a terminating event. */
        lastBillingMonth: Type.Record(Type.String(), Type.Union(lastMonthRules.map((r) => Type.Literal(r)))),
        rules: Type.Array(TerminationRule, { maxItems: 50 }),
      },
      closed,
    ),
    reapplication: Type.Optional(Reapplication),
  },
  closed,
);

export type CampaignDefinition = Static<typeof CampaignSchema>;
export type RuleConfig = Static<typeof Rule>;
export type RoleConfig = Static<typeof Role>;
export type OptionConfig = Static<typeof Option>;
export type TerminationRuleConfig = Static<typeof TerminationRule>;
export type ReapplicationConfig = Static<typeof Reapplication>;
export type BenefitRowConfig = Static<typeof BenefitRow>;
export type MessageText = Static<typeof Message>;
export type LastMonthRule = (typeof lastMonthRules)[number];
