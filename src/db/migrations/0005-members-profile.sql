-- Members issue: profile, membership periods, contracts, account links and status.

alter table members
  add column phone text,
  add column postal_address jsonb,
  add column country text,
  add column attributes jsonb not null default '{}';

-- Enrolment and leaving are periods, so "not a member in the 90 days before" (SR-1) is answerable.
create table member_memberships (
  member_id  text not null references members (member_id),
  started_at timestamptz not null,
  ended_at   timestamptz,
  ended_by   text,
  check (ended_at is null or ended_at >= started_at),
  primary key (member_id, started_at)
);
-- At most one open period per member.
create unique index member_memberships_open on member_memberships (member_id) where ended_at is null;
insert into member_memberships (member_id, started_at) select member_id, joined_at from members;

-- Contracts (lines): what upstream contract systems tell us, as of their latest event.
create table member_contracts (
  member_id           text not null references members (member_id),
  contract_id         text not null,
  type                text not null,
  plan                text,
  services            text[] not null default '{}',
  commitment_discount boolean not null default false,
  in_service          boolean not null default true,
  status              text not null check (status in ('active', 'cancelled', 'converted')),
  started_at          timestamptz not null,
  changed_at          timestamptz,
  ended_at            timestamptz,
  family_group        text,
  attributes          jsonb not null default '{}',
  primary key (member_id, contract_id)
);

-- SR-8: a store account linked to the rewards account. link_directory is the way in from the
-- upstream system's id (keyed by it, like member_directory).
create table member_links (
  member_id  text not null references members (member_id),
  system     text not null,
  account_id text not null,
  linked_at  timestamptz not null,
  linked_by  text not null,
  primary key (member_id, system, account_id)
);
create table link_directory (
  program_key text not null references programs (key),
  system      text not null,
  account_id  text not null,
  member_id   text not null,
  primary key (program_key, system, account_id)
);

-- SU-1: the member's status (tier) and every change, by month ("status went up this month").
create table member_statuses (
  member_id text primary key references members (member_id),
  tier      text not null,
  since     timestamptz not null
);
create table member_status_changes (
  member_id  text not null references members (member_id),
  month      text not null check (month ~ '^\d{4}-\d{2}$'),
  from_tier  text,
  to_tier    text not null,
  direction  text not null check (direction in ('up', 'down', 'initial')),
  changed_at timestamptz not null,
  primary key (member_id, month)
);
