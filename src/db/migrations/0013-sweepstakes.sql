-- Sweepstakes (SU-1..SU-16): periods with their committed seeds, entries, refused attempts,
-- invitations, draws and their results. Entries and draws are never deleted; a draw's report is
-- written once and cannot change (the trigger below).

-- One row per sweepstakes and period (month), made when the period opens or is first used. The
-- commitment (SHA-256 of the seed, hex) is public from then on; the seed is revealed by the draw.
-- `link_key` signs the period's personal entry links (SU-5).
create table sweepstakes_periods (
  sweepstakes_key text not null,
  period          text not null check (period ~ '^\d{4}-\d{2}$'),
  program_key     text not null references programs (key),
  seed            text not null,                      -- 32 random bytes, hex
  commitment      text not null,
  link_key        text not null,
  opened_at       timestamptz not null,
  primary key (sweepstakes_key, period)
);

-- An entry (SU-6): the first of a member in a period counts (SU-12), so a second is refused by the
-- key. `rank` is HMAC-SHA256(seed, id) in hex, fixed at entry so a draw walks an index instead of ranking
-- every entry; `verify` recomputes it from the revealed seed. The postal address is the one the
-- member confirmed (SU-6: prizes go only there). Entries cannot be cancelled (SU-13): there is no
-- status to change, only an operator's exclusion (SU-12) with its reason.
create table sweepstakes_entries (
  member_id          text not null references members (member_id),
  id                 text not null,                   -- swe_…
  sweepstakes_key    text not null,
  period             text not null,
  program_key        text not null references programs (key),
  prize              text not null,
  channel            text not null check (channel in ('web', 'email')),
  entered_at         timestamptz not null,
  postal_address     jsonb not null,
  country            text,                            -- SU-14: as the gateway or GeoIP judged it
  data_use           jsonb not null,                  -- SU-16: what the entrant was told, as shown
  rank               text collate "C" not null,       -- hex, so text order is byte order
  reward_points      integer not null default 0,      -- SU-7
  reward_due_at      timestamptz,
  reward_transaction text,
  excluded_reason    text,                            -- SU-12: an operator's exclusion
  excluded_by        text,
  excluded_at        timestamptz,
  actor              text not null,
  primary key (member_id, id),
  unique (member_id, sweepstakes_key, period),
  foreign key (sweepstakes_key, period) references sweepstakes_periods (sweepstakes_key, period),
  check ((excluded_reason is null) = (excluded_at is null))
);
create index sweepstakes_entries_by_rank on sweepstakes_entries (sweepstakes_key, period, prize, rank, id);
create index sweepstakes_entries_by_period on sweepstakes_entries (sweepstakes_key, period, entered_at);
create index sweepstakes_rewards_due on sweepstakes_entries (reward_due_at) where reward_transaction is null and reward_due_at is not null;

-- Refused attempts worth keeping (SU-12: a second entry is refused and recorded).
create table sweepstakes_refusals (
  member_id       text not null references members (member_id),
  id              text not null,                      -- swr_…
  sweepstakes_key text not null,
  period          text not null,
  prize           text not null,
  code            text not null,
  at              timestamptz not null,
  actor           text not null,
  primary key (member_id, id)
);

-- SU-5: the personal link mailed for a status-up month; one per member and period.
create table sweepstakes_invitations (
  member_id       text not null references members (member_id),
  sweepstakes_key text not null,
  period          text not null,
  prizes          text[] not null,
  message_id      text,                               -- the outbox message (sent or recorded as suppressed)
  sent_at         timestamptz not null,
  primary key (member_id, sweepstakes_key, period)
);

-- A draw (SU-8): one per sweepstakes and period, its report written once.
create table sweepstakes_draws (
  id              text primary key,                   -- swd_…
  sweepstakes_key text not null,
  period          text not null,
  program_key     text not null references programs (key),
  drawn_at        timestamptz not null,
  drawn_by        text not null,
  award_at        timestamptz not null,
  seed            text not null,
  commitment      text not null,
  report          jsonb not null,
  unique (sweepstakes_key, period),
  foreign key (sweepstakes_key, period) references sweepstakes_periods (sweepstakes_key, period)
);

create function sweepstakes_draws_are_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'a sweepstakes draw is immutable (draw %)', old.id using errcode = 'check_violation';
end $$;
create trigger sweepstakes_draws_immutable before update or delete on sweepstakes_draws
  for each row execute function sweepstakes_draws_are_immutable();

-- What the draw decided for each entry it examined: winners and alternates in rank order, and the
-- entries it excluded with the reason (SU-9, SU-10, SU-12). Entries it never reached are not here.
-- Awards (SU-8, SU-11) are credited to the entry's member on the award date.
create table sweepstakes_results (
  member_id          text not null references members (member_id),
  draw_id            text not null references sweepstakes_draws (id),
  entry_id           text not null,
  prize              text not null,
  outcome            text not null check (outcome in ('winner', 'alternate', 'excluded')),
  place              integer,                          -- 1-based within the tier, winners then alternates
  exclusion          text,                             -- the exclusion's key
  award_transaction  text,
  awarded_at         timestamptz,
  primary key (member_id, draw_id, entry_id),
  foreign key (member_id, entry_id) references sweepstakes_entries (member_id, id),
  check ((outcome = 'excluded') = (exclusion is not null))
);
create index sweepstakes_awards_due on sweepstakes_results (draw_id) where outcome = 'winner' and award_transaction is null;
