import type { Temporal } from 'temporal-polyfill';
import { statement } from '../db/index.js';
import type { PostalAddress } from '../members/index.js';

export interface PeriodRow {
  sweepstakes_key: string;
  period: string;
  seed: string;
  commitment: string;
  link_key: string;
  opened_at: Temporal.Instant;
}

export const openPeriod = statement('sweepstakes.openPeriod', `
  insert into sweepstakes_periods (sweepstakes_key, period, program_key, seed, commitment, link_key, opened_at)
  values ($1, $2, $3, $4, $5, $6, $7)
  on conflict (sweepstakes_key, period) do nothing`);
export const getPeriod = statement('sweepstakes.getPeriod', `
  select sweepstakes_key, period, seed, commitment, link_key, opened_at from sweepstakes_periods
  where sweepstakes_key = $1 and period = $2`);

export interface EntryRow {
  member_id: string;
  id: string;
  sweepstakes_key: string;
  period: string;
  prize: string;
  channel: 'web' | 'email';
  entered_at: Temporal.Instant;
  postal_address: PostalAddress;
  country: string | null;
  data_use: { ja: string; en: string };
  rank: string;
  reward_points: number;
  reward_due_at: Temporal.Instant | null;
  reward_transaction: string | null;
  excluded_reason: string | null;
  excluded_by: string | null;
  excluded_at: Temporal.Instant | null;
}

const entryColumns = `member_id, id, sweepstakes_key, period, prize, channel, entered_at, postal_address, country, data_use, rank,
  reward_points, reward_due_at, reward_transaction, excluded_reason, excluded_by, excluded_at`;

export const insertEntry = statement('sweepstakes.insertEntry', `
  insert into sweepstakes_entries (member_id, id, sweepstakes_key, period, program_key, prize, channel, entered_at, postal_address,
    country, data_use, rank, reward_points, reward_due_at, actor, email_key, phone_key, address_key)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
  on conflict (member_id, sweepstakes_key, period) do nothing
  returning ${entryColumns}`);
export const entryOfMember = statement('sweepstakes.entryOfMember', `
  select ${entryColumns} from sweepstakes_entries where member_id = $1 and sweepstakes_key = $2 and period = $3`);
export const getEntry = statement('sweepstakes.getEntry', `
  select ${entryColumns} from sweepstakes_entries where sweepstakes_key = $1 and id = $2`);
export const insertRefusal = statement('sweepstakes.insertRefusal', `
  insert into sweepstakes_refusals (member_id, id, sweepstakes_key, period, prize, code, at, actor)
  values ($1, $2, $3, $4, $5, $6, $7, $8)`);

export interface MemberEntryRow extends EntryRow {
  outcome: 'winner' | 'alternate' | 'excluded' | null;
  exclusion: string | null;
  draw_id: string | null;
  award_at: Temporal.Instant | null;
  award_transaction: string | null;
  awarded_at: Temporal.Instant | null;
}

/** A member's entries with what their period's draw decided (nothing yet before it). */
export const entriesOfMember = statement('sweepstakes.entriesOfMember', `
  select e.member_id, e.id, e.sweepstakes_key, e.period, e.prize, e.channel, e.entered_at, e.postal_address, e.country, e.data_use,
    e.rank, e.reward_points, e.reward_due_at, e.reward_transaction, e.excluded_reason, e.excluded_by, e.excluded_at,
    r.outcome, r.exclusion, d.id as draw_id, d.award_at, r.award_transaction, r.awarded_at
  from sweepstakes_entries e
  left join sweepstakes_draws d on d.sweepstakes_key = e.sweepstakes_key and d.period = e.period
  left join sweepstakes_results r on r.member_id = e.member_id and r.draw_id = d.id and r.entry_id = e.id
  where e.member_id = $1
  order by e.entered_at desc, e.id desc`);

/** A page of a period's entries, oldest first (ids are time-ordered), for operators. */
export const entriesOfPeriod = statement('sweepstakes.entriesOfPeriod', `
  select ${entryColumns} from sweepstakes_entries
  where sweepstakes_key = $1 and period = $2 and id > $3
  order by id limit $4`);

export const excludeEntry = statement('sweepstakes.excludeEntry', `
  update sweepstakes_entries set excluded_reason = $3, excluded_by = $4, excluded_at = $5
  where sweepstakes_key = $1 and id = $2 and excluded_at is null
  returning ${entryColumns}`);

export interface DuplicateRow {
  matched_on: 'email' | 'phone' | 'postal_address';
  value_hash: string;
  entries: { id: string; memberId: string; prize: string; enteredAt: string; excluded: boolean }[];
}

/**
 * SU-12: entries of one period whose members share an email, a phone or a postal address, by the
 * identity keys written with each entry (normalised, hashed: entries.ts), grouped by what they
 * share. Only groups of two or more.
 */
export const duplicateGroups = statement('sweepstakes.duplicateGroups', `
  with entrants as (
    select id, member_id, prize, entered_at, excluded_at is not null as excluded, email_key, phone_key, address_key
    from sweepstakes_entries where sweepstakes_key = $1 and period = $2
  ), keyed as (
    select 'email' as matched_on, email_key as value, * from entrants where email_key is not null
    union all select 'phone', phone_key, * from entrants where phone_key is not null
    union all select 'postal_address', address_key, * from entrants where address_key is not null
  )
  select matched_on, value as value_hash,
    jsonb_agg(jsonb_build_object('id', id, 'memberId', member_id, 'prize', prize, 'enteredAt', entered_at, 'excluded', excluded) order by entered_at, id) as entries
  from keyed group by matched_on, value having count(distinct member_id) > 1
  order by matched_on, min(entered_at)`);

export const rewardsDue = statement('sweepstakes.rewardsDue', `
  select member_id, id, sweepstakes_key, period, reward_points from sweepstakes_entries
  where reward_transaction is null and reward_due_at is not null and reward_due_at <= $1 and program_key = $2
  order by reward_due_at, member_id, id limit $3`);
export const markRewarded = statement('sweepstakes.markRewarded', `
  update sweepstakes_entries set reward_transaction = $3 where member_id = $1 and id = $2`);

export const insertInvitation = statement('sweepstakes.insertInvitation', `
  insert into sweepstakes_invitations (member_id, sweepstakes_key, period, prizes, message_id, sent_at)
  values ($1, $2, $3, $4, $5, $6)
  on conflict (member_id, sweepstakes_key, period) do nothing
  returning member_id`);

export const setInvitationMessage = statement('sweepstakes.setInvitationMessage', `
  update sweepstakes_invitations set message_id = $4 where member_id = $1 and sweepstakes_key = $2 and period = $3`);

/** Members whose status went up in `month` (the status job's record), after a cursor. */
export const statusUpsAfter = statement('sweepstakes.statusUpsAfter', `
  select c.member_id, c.to_tier from member_status_changes c join members m on m.member_id = c.member_id
  where m.program_key = $1 and c.month = $2 and c.direction = 'up' and c.member_id > $3
  order by c.member_id limit $4`);

export const lockPeriod = statement('sweepstakes.lockPeriod', `
  select period from sweepstakes_periods where sweepstakes_key = $1 and period = $2 for update`);

export const entriesPerPrize = statement('sweepstakes.entriesPerPrize', `
  select prize, count(*)::int as entries from sweepstakes_entries where sweepstakes_key = $1 and period = $2 group by prize`);

export interface RankedRow {
  member_id: string;
  id: string;
  prize: string;
  period: string;
  channel: 'web' | 'email';
  entered_at: Temporal.Instant;
  rank: string;
  excluded_reason: string | null;
}

/** The next chunk of a tier in rank order, after (rank, id). */
export const rankedAfter = statement('sweepstakes.rankedAfter', `
  select member_id, id, prize, period, channel, entered_at, rank, excluded_reason from sweepstakes_entries
  where sweepstakes_key = $1 and period = $2 and prize = $3 and (rank, id) > ($4::text collate "C", $5::text)
  order by rank, id limit $6`);

export interface DrawRow {
  id: string;
  sweepstakes_key: string;
  period: string;
  program_key: string;
  drawn_at: Temporal.Instant;
  drawn_by: string;
  award_at: Temporal.Instant;
  seed: string;
  commitment: string;
  report: unknown;
}

const drawColumns = 'id, sweepstakes_key, period, program_key, drawn_at, drawn_by, award_at, seed, commitment, report';

export const insertDraw = statement('sweepstakes.insertDraw', `
  insert into sweepstakes_draws (${drawColumns}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`);
export const drawOfPeriod = statement('sweepstakes.drawOfPeriod', `
  select ${drawColumns} from sweepstakes_draws where sweepstakes_key = $1 and period = $2`);
export const getDraw = statement('sweepstakes.getDraw', `select ${drawColumns} from sweepstakes_draws where id = $1`);
export const drawsOf = statement('sweepstakes.drawsOf', `
  select ${drawColumns} from sweepstakes_draws where sweepstakes_key = $1 order by period desc limit $2`);

/** Results as one JSON array: [{member, entry, prize, outcome, place, exclusion}]. */
export const insertResults = statement('sweepstakes.insertResults', `
  insert into sweepstakes_results (member_id, draw_id, entry_id, prize, outcome, place, exclusion)
  select r.member, $1, r.entry, r.prize, r.outcome, r.place, r.exclusion
  from jsonb_to_recordset($2::jsonb) as r(member text, entry text, prize text, outcome text, place int, exclusion text)`);

/** Every entry of a draw's period, with what the draw decided, for the export and `verify`. */
export const drawEntries = statement('sweepstakes.drawEntries', `
  select e.id, e.prize, e.rank, r.outcome, r.place, r.exclusion, e.member_id
  from sweepstakes_entries e
  left join sweepstakes_results r on r.member_id = e.member_id and r.draw_id = $3 and r.entry_id = e.id
  where e.sweepstakes_key = $1 and e.period = $2
  order by e.prize, e.rank, e.id`);

export interface AwardDueRow {
  member_id: string;
  draw_id: string;
  entry_id: string;
  prize: string;
  sweepstakes_key: string;
  period: string;
  /** As the draw report says: a prize changed or removed after its draw is owed as drawn. */
  points: number;
}

export const awardsDue = statement('sweepstakes.awardsDue', `
  select r.member_id, r.draw_id, r.entry_id, r.prize, d.sweepstakes_key, d.period,
    (select (t ->> 'points')::int from jsonb_array_elements(d.report -> 'tiers') t where t ->> 'prize' = r.prize) as points
  from sweepstakes_draws d join sweepstakes_results r on r.draw_id = d.id
  where d.program_key = $1 and d.award_at <= $2 and r.outcome = 'winner' and r.award_transaction is null
  order by d.award_at, r.draw_id, r.entry_id limit $3`);
export const markAwarded = statement('sweepstakes.markAwarded', `
  update sweepstakes_results set award_transaction = $4, awarded_at = $5 where member_id = $1 and draw_id = $2 and entry_id = $3`);
