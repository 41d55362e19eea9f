-- Operators page through a period's entries by id (time-ordered), with the shared keyset cursor;
-- the (entered_at) index served the composite cursor it replaces.
drop index sweepstakes_entries_by_period;
create index sweepstakes_entries_by_period on sweepstakes_entries (sweepstakes_key, period, id);
