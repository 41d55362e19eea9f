import { statement, type Queryable } from '../db/index.js';
import type { Temporal } from 'temporal-polyfill';

// What we hold of a person here, for the privacy export and erasure: their entries (with the postal
// address they confirmed), refused attempts, invitations and what the draws decided. Erasure removes
// the address and the judged country; the entries and results stay, so draws still verify.
const entries = statement('sweepstakes.personalData.entries', `
  select id, sweepstakes_key, period, prize, channel, entered_at, postal_address, country, data_use, reward_points, reward_transaction,
    excluded_reason, excluded_at
  from sweepstakes_entries where member_id = $1 order by entered_at, id`);
const refusals = statement('sweepstakes.personalData.refusals', `
  select sweepstakes_key, period, prize, code, at from sweepstakes_refusals where member_id = $1 order by at, id`);
const invitations = statement('sweepstakes.personalData.invitations', `
  select sweepstakes_key, period, prizes, sent_at from sweepstakes_invitations where member_id = $1 order by period, sweepstakes_key`);
const results = statement('sweepstakes.personalData.results', `
  select draw_id, entry_id, prize, outcome, exclusion, award_transaction, awarded_at from sweepstakes_results where member_id = $1
  order by draw_id, entry_id`);
const eraseEntries = statement('sweepstakes.erase.entries', `
  update sweepstakes_entries set postal_address = '{"erased": true}'::jsonb, country = null, email_key = null, phone_key = null, address_key = null
  where member_id = $1`);

export interface SweepstakesData {
  entries: {
    id: string;
    sweepstakes_key: string;
    period: string;
    prize: string;
    channel: string;
    entered_at: Temporal.Instant;
    postal_address: unknown;
    country: string | null;
    data_use: unknown;
    reward_points: number;
    reward_transaction: string | null;
    excluded_reason: string | null;
    excluded_at: Temporal.Instant | null;
  }[];
  refusals: { sweepstakes_key: string; period: string; prize: string; code: string; at: Temporal.Instant }[];
  invitations: { sweepstakes_key: string; period: string; prizes: string[]; sent_at: Temporal.Instant }[];
  results: { draw_id: string; entry_id: string; prize: string; outcome: string; exclusion: string | null; award_transaction: string | null; awarded_at: Temporal.Instant | null }[];
}

export async function sweepstakesPersonalData(q: Queryable, memberId: string): Promise<SweepstakesData> {
  return {
    entries: await q.query(entries, [memberId]),
    refusals: await q.query(refusals, [memberId]),
    invitations: await q.query(invitations, [memberId]),
    results: await q.query(results, [memberId]),
  };
}

export async function eraseSweepstakesData(q: Queryable, memberId: string): Promise<void> {
  await q.query(eraseEntries, [memberId]);
}
