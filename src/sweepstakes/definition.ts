import { Type, type Static } from 'typebox';

/**
 * The shape of `examples/programs/<program>/sweepstakes/<key>.yaml` (SU-1..SU-16 for the seed).
 * Closed objects and bounded numbers, as for programs; what a schema cannot say (CEL that compiles,
 * prize keys that exist, the premium-law caps) is checked in `validate.ts`.
 */

const closed = { additionalProperties: false } as const;
const Key = Type.String({ pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', maxLength: 64 });
const PrizeKey = Type.String({ pattern: '^[A-Z][A-Z0-9]{0,7}$', description: 'S, A–F …' });
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' });
const When = Type.String({ minLength: 1, maxLength: 2000 });
const Text = Type.String({ minLength: 1, maxLength: 500 });
/** What a person reads, in both languages of the seed programs. */
const Message = Type.Object({ ja: Text, en: Text }, closed);
const Channel = Type.Union([Type.Literal('web'), Type.Literal('email')]);
const CountryCode = Type.String({ pattern: '^[A-Z]{2}$' });

/** A prize tier (SU-2): its points, how many win it per period, and who may enter it (SU-4). */
export const PrizeSchema = Type.Object(
  {
    key: PrizeKey,
    names: Message,
    points: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    winners: Type.Integer({ minimum: 1, maximum: 100_000 }),
    /** SU-5: the channels through which this tier may be entered. */
    channels: Type.Array(Channel, { minItems: 1, uniqueItems: true }),
    /** The entry gate, over `member`, `statusChange`, `ranks`, `period`, `channel`. */
    when: When,
    /** Why the gate said no, as the member reads it. */
    refusal: Message,
  },
  closed,
);

/** A draw-time exclusion (SU-9, SU-10): checked per entry when the draw reaches it. */
export const ExclusionSchema = Type.Object(
  {
    key: Key,
    /** Only entries of these tiers; all tiers when absent. */
    prizes: Type.Optional(Type.Array(PrizeKey, { minItems: 1, uniqueItems: true })),
    /** True excludes the entry; over `member`, `entry`, `bill`, `transactionValue`, `drawAt`. */
    when: When,
    reason: Message,
  },
  closed,
);

export const SweepstakesSchema = Type.Object(
  {
    key: Key,
    names: Message,
    /** SU-3: one period per calendar month, open from `opensOnDay` to the month's last day. */
    periods: Type.Object(
      {
        opensOnDay: Type.Integer({ minimum: 1, maximum: 28 }),
        /** The first period that takes entries; none: every month up to `last`. */
        first: Type.Optional(Month),
        /** SU-15: the last period that takes entries (the operator ended the sweepstakes). */
        last: Type.Optional(Month),
      },
      closed,
    ),
    /** SU-4 応募資格: who may enter at all; each prize's gate then narrows it. */
    eligibility: Type.Object({ when: When, refusal: Message }, closed),
    prizes: Type.Array(PrizeSchema, { minItems: 1, maxItems: 26 }),
    /** SU-7: every entrant's reward, credited at the start of the day `afterDays` after entry. */
    participation: Type.Optional(
      Type.Object(
        {
          points: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
          afterDays: Type.Integer({ minimum: 0, maximum: 90 }),
        },
        closed,
      ),
    ),
    /** SU-5: the personal entry link mailed at the start of a status-up month. */
    invitations: Type.Optional(
      Type.Object(
        {
          /** The local hour of the 1st at which they go (after the status job at 00:00). */
          hour: Type.Integer({ minimum: 0, maximum: 23 }),
          /** Only members whose change this month lets them enter one of these tiers by email. */
          prizes: Type.Array(PrizeKey, { minItems: 1, uniqueItems: true }),
        },
        closed,
      ),
    ),
    /** SU-8: the draw in the month `monthsAfterEntry` after the period; awards on `awardDay`. */
    draw: Type.Object(
      {
        monthsAfterEntry: Type.Integer({ minimum: 0, maximum: 12 }),
        awardDay: Type.Integer({ minimum: 1, maximum: 28 }),
        /** Ranked places kept after the winners of each tier, to replace a winner disqualified later. */
        alternatesPerWinner: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
        exclusions: Type.Array(ExclusionSchema, { maxItems: 50 }),
      },
      closed,
    ),
    /**
     * SU-14: entries only from these countries, by the client's network location: as the gateway
     * judges it when `trustedHeader` names the header it sets (and strips from clients), else by the
     * operator's GeoIP country database (POINTBOOK_GEOIP_DB) — one of the two must be there.
     */
    countries: Type.Optional(
      Type.Object(
        {
          allowed: Type.Array(CountryCode, { minItems: 1, uniqueItems: true }),
          trustedHeader: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' })),
        },
        closed,
      ),
    ),
    /** The premium-law guard: loading refuses prizes above the caps of `country`. */
    legal: Type.Object(
      {
        country: CountryCode,
        /**
         * general (default): chance tied to a purchase or contract; joint: run with other businesses;
         * open: no purchase needed, so no caps under Japan's premium law (legal.ts).
         */
        kind: Type.Optional(Type.Union([Type.Literal('general'), Type.Literal('joint'), Type.Literal('open')])),
        /** The value of the transaction that entitles an entry, in the program's minor units. */
        transactionValueMinor: Type.Integer({ minimum: 1 }),
        /** Expected sales of one period, in minor units. */
        expectedSalesMinor: Type.Integer({ minimum: 1 }),
        /** Overrides of the country's defaults (legal.ts). */
        caps: Type.Optional(
          Type.Object(
            {
              prizeMultiple: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
              prizeMaxMinor: Type.Optional(Type.Integer({ minimum: 1 })),
              totalShareOfSales: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
              giveawayThresholdMinor: Type.Optional(Type.Integer({ minimum: 0 })),
              giveawayFlatMinor: Type.Optional(Type.Integer({ minimum: 0 })),
              giveawayShare: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
            },
            closed,
          ),
        ),
      },
      closed,
    ),
    /** SU-16: shown at entry, and kept with each entry. */
    dataUse: Message,
  },
  closed,
);

export type SweepstakesDefinition = Static<typeof SweepstakesSchema> & { program: string; sourceFile: string };
export type Prize = Static<typeof PrizeSchema>;
export type Exclusion = Static<typeof ExclusionSchema>;
export type EntryChannel = Static<typeof Channel>;
