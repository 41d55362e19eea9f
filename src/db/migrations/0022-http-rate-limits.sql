-- G4 (decision 60): request counters per flow, scope and caller, in fixed windows that start with
-- the first request, shared by every `pointbook serve` process on the database. Unlogged: a crash
-- of PostgreSQL forgets the counts (every window starts again), which costs nothing worth a WAL
-- write per request. The key is a hash: it never holds an email or an address.
create unlogged table http_rate_limits (
  key text primary key,
  window_ends_at timestamptz not null,
  hits integer not null check (hits > 0)
);

create index http_rate_limits_window_ends_at on http_rate_limits (window_ends_at);
