import { Type } from 'typebox';
import { Instant, nullable } from '../schemas.js';
import { PostalAddressSchema } from './member-views.js';

const Message = Type.Object({ ja: Type.String(), en: Type.String() });
const Channel = Type.Union([Type.Literal('web'), Type.Literal('email')]);

export const PeriodView = Type.Object({
  period: Type.String({ description: 'YYYY-MM' }),
  takesEntries: Type.Boolean({ description: 'false before periods.first and after periods.last (SU-15)' }),
  opensAt: Instant,
  closesAt: Instant,
  drawOpensAt: Instant,
  awardAt: Instant,
  commitment: nullable(Type.String({ description: 'hex SHA-256 of the seed; null until the period opened' })),
  seed: nullable(Type.String({ description: 'hex; revealed by the draw' })),
  drawId: nullable(Type.String()),
});

export const SweepstakesView = Type.Object({
  key: Type.String(),
  program: Type.String(),
  names: Message,
  prizes: Type.Array(Type.Object({ key: Type.String(), names: Message, points: Type.Integer(), winners: Type.Integer(), channels: Type.Array(Channel) })),
  participationPoints: Type.Integer({ description: 'SU-7: every entrant, the day after entry' }),
  firstPeriod: nullable(Type.String()),
  lastPeriod: nullable(Type.String()),
  countries: nullable(Type.Array(Type.String(), { description: 'SU-14: entries only from these' })),
  dataUse: Message,
  currentPeriod: PeriodView,
});

/** An erased member's entry keeps no address. */
const EntryAddress = Type.Union([PostalAddressSchema, Type.Object({ erased: Type.Literal(true) })]);

const entryFields = {
  id: Type.String({ description: 'swe_…' }),
  memberId: Type.String(),
  sweepstakes: Type.String(),
  period: Type.String(),
  prize: Type.String(),
  channel: Channel,
  enteredAt: Instant,
  postalAddress: EntryAddress,
  country: nullable(Type.String()),
  dataUse: Message,
  participationReward: nullable(Type.Object({ points: Type.Integer(), dueAt: Instant, transactionId: nullable(Type.String()) })),
  exclusion: nullable(Type.Object({ reason: Type.String(), by: Type.String(), at: Instant })),
};

export const EntryView = Type.Object(entryFields);

export const MemberEntryView = Type.Object({
  ...entryFields,
  result: Type.Union([
      Type.Object({ status: Type.Literal('pending') }),
      Type.Object({ status: Type.Literal('won'), drawId: Type.String(), awardAt: Instant, awardTransactionId: nullable(Type.String()), awardedAt: nullable(Instant) }),
      Type.Object({ status: Type.Literal('not_won'), drawId: Type.String() }),
      Type.Object({ status: Type.Literal('excluded'), drawId: Type.String(), exclusion: Type.String() }),
  ]),
});

const Reason = Type.Object({ rule: Type.String(), code: Type.String(), message: Message, params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))) });

export const OptionsView = Type.Object({
  sweepstakes: Type.String(),
  names: Message,
  period: Type.String(),
  open: Type.Boolean(),
  opensAt: Instant,
  closesAt: Instant,
  enteredEntryId: nullable(Type.String()),
  postalAddress: nullable(PostalAddressSchema),
  dataUse: Message,
  prizes: Type.Array(Type.Object({ key: Type.String(), names: Message, points: Type.Integer(), allowed: Type.Boolean(), reasons: Type.Array(Reason) })),
});

const Placed = Type.Object({ entry: Type.String(), member: Type.String() });

export const DrawReportView = Type.Object({
  id: Type.String({ description: 'swd_…' }),
  sweepstakes: Type.String(),
  period: Type.String(),
  drawnAt: Instant,
  drawnBy: Type.String(),
  awardAt: Instant,
  commitment: Type.String(),
  seed: Type.String(),
  algorithm: Type.String({ description: 'docs/sweepstakes.md' }),
  tiers: Type.Array(
    Type.Object({
      prize: Type.String(),
      points: Type.Integer(),
      entries: Type.Integer(),
      wanted: Type.Object({ winners: Type.Integer(), alternates: Type.Integer() }),
      winners: Type.Array(Placed),
      alternates: Type.Array(Placed),
      excluded: Type.Array(Type.Object({ entry: Type.String(), member: Type.String(), exclusion: Type.String() })),
    }),
  ),
  exclusions: Type.Record(Type.String(), Type.Integer()),
});

export const VerificationView = Type.Object(
  {
    drawId: Type.String(),
    ok: Type.Boolean({ description: 'the seed matches the commitment and re-ranking gives the same winners and alternates' }),
    problems: Type.Array(Type.String(), { description: 'what differs, in words; empty when ok' }),
    seed: Type.String(),
    commitment: Type.String(),
    entries: Type.Integer({ description: 'entries of the period the draw was re-run from' }),
  },
);
