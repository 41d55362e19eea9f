import { statement } from '../db/index.js';
import type { ChainedLog } from '../ledger/index.js';

// audit_record (migration 0020) writes the row only if the transaction changed something (its own
// id is assigned by its first write), and runs no INSERT otherwise, so read-only transactions work.
export const recordIfChanged = statement('audit.recordIfChanged', `
  select audit_record($1, $2, $3, $4, $5::text[], $6, $7, $8) as recorded`);

export interface AuditRow {
  xid: number;
  id: string;
  at: import('temporal-polyfill').Temporal.Instant;
  actor: string;
  action: string;
  targets: string[];
  request_id: string | null;
  ip: string | null;
  job_run: string | null;
}

// Newest first by (xid, id), the chain's order; each filter applies when its parameter is not null.
export const list = statement('audit.list', `
  select xid, id, at, actor, action, targets, request_id, ip, job_run from audit_log
  where ($1::text is null or actor = $1)
    and ($2::text is null or targets @> array[$2::text])
    and ($3::text is null or action = $3)
    and ($4::timestamptz is null or at >= $4)
    and ($5::timestamptz is null or at < $5)
    and ($6::bigint is null or (xid, id) < ($6::bigint, $7::text))
  order by xid desc, id desc limit $8`);

// Every column, instants as epoch seconds text (the same in any session TimeZone).
const body = `jsonb_build_array(a.xid, a.id, extract(epoch from a.at)::text, a.actor, a.action, a.targets, a.request_id, a.ip, a.job_run)`;

export const auditChain: ChainedLog = {
  name: 'audit log',
  lock: statement('audit.chain.lock', `select pg_advisory_xact_lock(7400058)`),
  last: statement('audit.chain.last', `select position, xid, id as key, hash from audit_chain order by position desc limit 1`),
  next: statement('audit.chain.next', `
    select a.xid, a.id as key, ${body} as body from audit_log a
    where (a.xid, a.id) > ($1::bigint, $2::text) and a.xid < $3::bigint
    order by a.xid, a.id limit $4`),
  append: statement('audit.chain.append', `
    insert into audit_chain (position, xid, id, hash)
    select * from unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[])`),
  seal: statement('audit.chain.seal', `insert into audit_seals (position, rows, head) values ($1, $2, $3)`),
  page: statement('audit.chain.page', `
    select c.position, c.xid, c.id as key, c.hash, case when a.id is null then null else ${body} end as body
    from audit_chain c left join audit_log a on a.xid = c.xid and a.id = c.id
    where c.position > $1 order by c.position limit $2`),
  seals: statement('audit.chain.seals', `select position, rows, head from audit_seals order by position`),
  strays: statement('audit.chain.strays', `
    select a.id as key from audit_log a
    where (a.xid, a.id) <= ($1::bigint, $2::text)
      and not exists (select 1 from audit_chain c where c.xid = a.xid and c.id = a.id)
    order by a.xid, a.id limit 1`),
  unsealed: statement('audit.chain.unsealed', `select count(*)::int as count from audit_log a where (a.xid, a.id) > ($1::bigint, $2::text)`),
};
