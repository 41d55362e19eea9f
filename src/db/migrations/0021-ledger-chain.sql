-- RELIABILITY J2 (decision 59): the ledger's journal, with its postings and allocations, under a
-- hash chain that a sealer extends after the fact, off the hot path.
--
-- `xid` (the writing transaction's xid8, as bigint) orders the chain: a row can only be added
-- below the sealed frontier by a transaction that had ended before the sealer ran, which a
-- legitimate writer never does. BRIN, not B-tree: rows are appended in xid order, so the index
-- costs an insert nothing (decision 49's reasoning for recorded_at). Rows from before this
-- migration get its own transaction's id: they all sort before anything written after.
alter table ledger_journal add column xid bigint not null default (pg_current_xact_id()::text::bigint);
create index ledger_journal_xid on ledger_journal using brin (xid) with (autosummarize = on);

-- One entry per sealed journal row, in chain order: hash = sha256(previous hash || canonical
-- transaction with its postings and allocations). Keyed by position, not member: one chain per
-- database (test/schema.test.ts lists the exception).
create table ledger_chain (
  position   bigint primary key,
  xid        bigint not null,
  member_id  text not null,
  journal_id text not null,
  hash       text not null
);
create unique index ledger_chain_journal on ledger_chain (member_id, journal_id);

create table ledger_seals (
  position  bigint primary key,
  rows      integer not null check (rows > 0),
  head      text not null,
  sealed_at timestamptz not null default clock_timestamp()
);
