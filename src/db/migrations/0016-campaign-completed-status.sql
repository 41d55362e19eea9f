-- Campaigns (#5, GG-7 ①, GG-10): statuses that follow from time alone — a benefit past its last
-- billing month has `completed`, a pre-registration whose period ended without a U25 has `lapsed` —
-- are worked out on read, and recorded by the daily `campaign-statuses` job, which announces each
-- one once (`application.status_changed`). `completed` becomes a stored status.
alter table campaign_applications drop constraint campaign_applications_status_check;
alter table campaign_applications add constraint campaign_applications_status_check
  check (status in ('active', 'provisional', 'terminated', 'lapsed', 'superseded', 'completed'));

-- The job's scan: a program's open applications in (member, application) order. Open ones are few
-- next to ended ones, so the index holds only those.
create index campaign_applications_open_by_program on campaign_applications (program_key, member_id, application_id)
  where status in ('active', 'provisional');
