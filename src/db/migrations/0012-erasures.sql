-- Privacy (#7): the record of each erasure. It says who erased which member, when and why, and
-- nothing of what was erased: the member row stays, pseudonymized, so the ledger keeps its owner
-- and `ledger verify` still holds. Claiming this row is the first write of an erasure, so its
-- primary key makes erasure idempotent: a second or concurrent erasure of the member waits for the
-- first to commit, then finds the row and answers its result (src/privacy/README.md).
create table privacy_erasures (
  member_id   text primary key references members (member_id),
  program_key text not null references programs (key),
  erased_at   timestamptz not null,
  erased_by   text not null,
  -- Why, in the operator's words (a ticket number, "request by phone"): never the person's details.
  reason      text not null check (length(reason) between 1 and 500)
);
