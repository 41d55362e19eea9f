-- Campaigns (#5, GG-1..GG-12): what a line needs for eligibility, applications with their status
-- history, the benefits billing applies per month, and each person's campaign history.

-- What a line is beyond its plan and services (GG-1, GG-2, GG-5, GG-6): its user (a person with a
-- birth date; not always the holder), holder, device, how it began (new, mnp, upgrade) and since
-- when, corporate or not, its shared-data role and the other discounts on it. One JSON document,
-- merged key by key as contract events arrive (members/line.ts gives it its type).
alter table member_contracts add column line jsonb not null default '{}';

-- An application of one line to one campaign, in one role, for one chosen benefit. `status` is the
-- latest of campaign_application_statuses. Months are billing months, 'YYYY-MM' in the program's
-- zone; last_billing_month is null while the application is provisional (GG-10).
create table campaign_applications (
  member_id          text not null references members (member_id),
  application_id     text not null,
  program_key        text not null,
  campaign           text not null,
  contract_id        text not null,
  person_id          text not null,
  role               text not null,
  option             text not null,
  kind               text not null check (kind in ('discount', 'data')),
  amount             integer not null check (amount > 0),
  unit               text not null,
  months             integer not null check (months > 0),
  origin             text not null,
  family_group       text,
  status             text not null check (status in ('active', 'provisional', 'terminated', 'lapsed', 'superseded')),
  applied_at         timestamptz not null,
  contracted_at      timestamptz not null,
  first_billing_month text,
  last_billing_month  text,
  actor              text not null,
  primary key (member_id, application_id)
);
-- GG-8, GG-10: the applications of one family-discount group; GG-6: one line per person.
create index campaign_applications_by_group on campaign_applications (program_key, campaign, family_group) where family_group is not null;
create index campaign_applications_by_person on campaign_applications (program_key, person_id);
-- GET /v1/campaigns/{campaign}/applications/{id} names no member: the way in from the id.
create index campaign_applications_by_id on campaign_applications (application_id);

create table campaign_application_statuses (
  member_id       text not null,
  application_id  text not null,
  seq             integer not null,
  status          text not null,
  at              timestamptz not null,
  reasons         jsonb not null default '[]',   -- [{rule, code, message: {ja, en}}]
  actor           text not null,
  primary key (member_id, application_id, seq),
  foreign key (member_id, application_id) references campaign_applications (member_id, application_id)
);

-- GG-4, GG-9: what billing applies, one row per application × billing month. Written whole when an
-- application becomes active; a termination deletes the months after its last (nothing else
-- changes a row). `pointbook export benefits` reads a month of a program.
create table campaign_benefits (
  member_id       text not null,
  application_id  text not null,
  billing_month   text not null,
  month_index     integer not null check (month_index >= 1),
  program_key     text not null,
  campaign        text not null,
  contract_id     text not null,
  kind            text not null,
  amount          integer not null,
  unit            text not null,
  primary key (member_id, application_id, billing_month),
  foreign key (member_id, application_id) references campaign_applications (member_id, application_id)
);
create index campaign_benefits_by_month on campaign_benefits (program_key, billing_month);

-- GG-11: the campaigns a person (a line's user) was in, imported from the carrier's records or
-- recorded by Pointbook when an application becomes active. Found by person across members.
create table campaign_history (
  member_id       text not null references members (member_id),
  entry_id        text not null,
  program_key     text not null,
  person_id       text not null,
  campaign        text not null,
  role            text,
  contract_kind   text,
  started_at      timestamptz not null,
  ended_at        timestamptz,
  source          text not null check (source in ('imported', 'pointbook')),
  application_id  text,
  recorded_at     timestamptz not null,
  actor           text not null,
  primary key (member_id, entry_id)
);
create index campaign_history_by_person on campaign_history (program_key, person_id);

-- GG-6 "one line per user": the claim of a person on a campaign, taken by an insert that succeeds
-- once, so two concurrent applications of the same person give one application. A directory
-- keyed by the person (docs/decisions.md 41); released when a provisional application lapses.
create table campaign_person_claims (
  program_key     text not null,
  campaign        text not null,
  person_id       text not null,
  member_id       text not null,
  application_id  text not null,
  primary key (program_key, campaign, person_id)
);
