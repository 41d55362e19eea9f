import { Type } from 'typebox';
import { sweepstakesPersonalData } from '../sweepstakes/index.js';
import { Instant, iso, isoOrNull, nullable, section } from './section.js';

/** sweepstakes/ (SU): entries with the confirmed postal address, refused attempts, invitations, draw results. */
export const sweepstakesSection = section({
  name: 'sweepstakes',
  tables: ['sweepstakes_entries', 'sweepstakes_refusals', 'sweepstakes_invitations', 'sweepstakes_results'],
  schema: Type.Object({
    entries: Type.Array(
      Type.Object({
        id: Type.String(),
        sweepstakes: Type.String(),
        period: Type.String(),
        prize: Type.String(),
        channel: Type.String(),
        enteredAt: Instant,
        postalAddress: Type.Unknown(),
        country: nullable(Type.String()),
        dataUse: Type.Unknown({ description: 'SU-16: what the entrant was told their data is used for' }),
        participationPoints: Type.Integer(),
        participationTransaction: nullable(Type.String()),
        excludedReason: nullable(Type.String()),
        excludedAt: nullable(Instant),
      }),
    ),
    refusals: Type.Array(Type.Object({ sweepstakes: Type.String(), period: Type.String(), prize: Type.String(), code: Type.String(), at: Instant })),
    invitations: Type.Array(Type.Object({ sweepstakes: Type.String(), period: Type.String(), prizes: Type.Array(Type.String()), sentAt: Instant })),
    results: Type.Array(
      Type.Object({
        drawId: Type.String(),
        entryId: Type.String(),
        prize: Type.String(),
        outcome: Type.String(),
        exclusion: nullable(Type.String()),
        awardTransaction: nullable(Type.String()),
        awardedAt: nullable(Instant),
      }),
    ),
  }),
  async read(q, person) {
    const data = await sweepstakesPersonalData(q, person.memberId);
    return {
      entries: data.entries.map((e) => ({
        id: e.id,
        sweepstakes: e.sweepstakes_key,
        period: e.period,
        prize: e.prize,
        channel: e.channel,
        enteredAt: iso(e.entered_at),
        postalAddress: e.postal_address,
        country: e.country,
        dataUse: e.data_use,
        participationPoints: e.reward_points,
        participationTransaction: e.reward_transaction,
        excludedReason: e.excluded_reason,
        excludedAt: isoOrNull(e.excluded_at),
      })),
      refusals: data.refusals.map((r) => ({ sweepstakes: r.sweepstakes_key, period: r.period, prize: r.prize, code: r.code, at: iso(r.at) })),
      invitations: data.invitations.map((i) => ({ sweepstakes: i.sweepstakes_key, period: i.period, prizes: i.prizes, sentAt: iso(i.sent_at) })),
      results: data.results.map((r) => ({
        drawId: r.draw_id,
        entryId: r.entry_id,
        prize: r.prize,
        outcome: r.outcome,
        exclusion: r.exclusion,
        awardTransaction: r.award_transaction,
        awardedAt: isoOrNull(r.awarded_at),
      })),
    };
  },
});
