-- Consent (DN-1..DN-8): do-not-solicit and opt-in requests, the permission changes they make, and
-- reports of contacts after an opt-out. Requests and changes are never updated in place except to
-- move a request along its statuses; every permission change is a row of its own.

-- A request as received (DN-1): by phone (taken by staff), email or the web form. `verification`
-- is what the person gave to identify the contract; it is used only to verify this request (DN-8),
-- which `purpose` records, and is never copied to the member.
create table contact_requests (
  member_id        text not null references members (member_id),
  id               text not null,                 -- crq_…
  program_key      text not null references programs (key),
  kind             text not null check (kind in ('do_not_solicit', 'opt_in')),
  channel          text not null check (channel in ('phone', 'email', 'web')),
  scope            text not null check (scope in ('company', 'affiliates', 'all')),
  taken_by         text,                          -- the staff member who took a phone or email request
  verification     jsonb not null,                -- {name, phone, contractNumber} as given
  purpose          text not null default 'verify this contact request',
  status           text not null check (status in ('verified', 'rejected')),
  mismatches       jsonb,                         -- rejected: the fields that did not match
  resubmission_of  text,                          -- a rejected request this one corrects
  received_at      timestamptz not null,
  verified_at      timestamptz,
  effective_at     timestamptz,                   -- DN-3: when the permissions change
  confirmation_id  text,                          -- DN-6: the confirmation message (outbox)
  actor            text not null,
  primary key (member_id, id),
  check ((status = 'verified') = (verified_at is not null and effective_at is not null)),
  check ((status = 'rejected') = (mismatches is not null)),
  check (channel = 'web' or taken_by is not null)
);

-- What each verified request changes, cell by cell, from its effective instant (DN-4, DN-7). The
-- permission of a cell at an instant is the latest change in force then; no change: allowed.
create table contact_permission_changes (
  member_id    text not null references members (member_id),
  request_id   text not null,
  channel      text not null check (channel in ('phone', 'email', 'post', 'sms')),
  purpose      text not null check (purpose = 'marketing'),  -- DN-5: transactional is never decided
  scope        text not null,                  -- 'company' or an affiliate's id
  allowed      boolean not null,
  effective_at timestamptz not null,
  primary key (member_id, request_id, channel, purpose, scope),
  foreign key (member_id, request_id) references contact_requests (member_id, id)
);
create index contact_permission_changes_cell on contact_permission_changes (member_id, channel, purpose, scope, effective_at desc);
-- The suppression export: changes of one program that took effect in a window.
create index contact_permission_changes_effective on contact_permission_changes (effective_at);

-- DN-6: a contact after an effective opt-out, reported by the member or by staff, recorded against
-- the request that should have stopped it, and escalated to operators until someone resolves it.
create table contact_reports (
  member_id    text not null references members (member_id),
  id           text not null,                  -- crp_…
  request_id   text not null,
  channel      text not null check (channel in ('phone', 'email', 'post', 'sms')),
  scope        text not null,
  contacted_at timestamptz not null,
  description  text not null,
  reported_at  timestamptz not null,
  reported_by  text not null,
  resolved_at  timestamptz,
  resolved_by  text,
  primary key (member_id, id),
  foreign key (member_id, request_id) references contact_requests (member_id, id)
);
create index contact_reports_open on contact_reports (reported_at) where resolved_at is null;

-- Each run of `pointbook export suppressions`, so the next one can list the changes since.
create table suppression_exports (
  program_key text not null references programs (key),
  scope       text not null,
  exported_at timestamptz not null,
  until       timestamptz not null,
  primary key (program_key, scope, exported_at)
);

-- Marketing held back by an effective opt-out is recorded, not sent (issue #7: "the suppression is recorded").
alter table outbox_messages drop constraint outbox_messages_status_check;
alter table outbox_messages add constraint outbox_messages_status_check check (status in ('pending', 'sent', 'failed', 'suppressed'));
alter table outbox_messages add column suppressed_by text;  -- the request whose change stopped it
alter table outbox_messages add constraint outbox_messages_suppressed_check check ((status = 'suppressed') = (suppressed_by is not null));
