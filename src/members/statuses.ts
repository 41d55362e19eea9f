import type { Temporal } from 'temporal-polyfill';
import { statement, type Queryable } from '../db/index.js';

export interface StatusChange {
  month: string;
  from: string | null;
  to: string;
  direction: 'up' | 'down' | 'initial';
  changedAt: Temporal.Instant;
}

const current = statement('members.currentStatus', `select tier, since from member_statuses where member_id = $1`);
const upsert = statement('members.setStatus', `
  insert into member_statuses (member_id, tier, since) values ($1, $2, $3)
  on conflict (member_id) do update set tier = excluded.tier, since = excluded.since
  where member_statuses.tier <> excluded.tier`);
const record = statement('members.recordStatusChange', `
  insert into member_status_changes (member_id, month, from_tier, to_tier, direction, changed_at)
  values ($1, $2, $3, $4, $5, $6)
  on conflict (member_id, month) do nothing`);
const changes = statement('members.statusChanges', `
  select month, from_tier, to_tier, direction, changed_at from member_status_changes where member_id = $1 order by month`);

const changeOfMonth = statement('members.statusChangeOfMonth', `
  select month, from_tier, to_tier, direction, changed_at from member_status_changes where member_id = $1 and month = $2`);

type ChangeRow = { month: string; from_tier: string | null; to_tier: string; direction: StatusChange['direction']; changed_at: Temporal.Instant };
const toChange = (r: ChangeRow): StatusChange => ({ month: r.month, from: r.from_tier, to: r.to_tier, direction: r.direction, changedAt: r.changed_at });

export async function getStatus(db: Queryable, memberId: string): Promise<{ tier: string; since: Temporal.Instant } | undefined> {
  const [row] = await db.query<{ tier: string; since: Temporal.Instant }>(current, [memberId]);
  return row;
}

/**
 * Sets the member's status and records the change under its month (SU: "status went up this
 * month"). One change per member and month: a re-run of the status job for a month changes nothing.
 */
export async function setStatus(
  db: Queryable,
  memberId: string,
  change: { month: string; from: string | null; to: string; direction: StatusChange['direction']; at: Temporal.Instant },
): Promise<void> {
  await db.query(upsert, [memberId, change.to, change.at.toString()]);
  await db.query(record, [memberId, change.month, change.from, change.to, change.direction, change.at.toString()]);
}

export async function listStatusChanges(db: Queryable, memberId: string): Promise<StatusChange[]> {
  return (await db.query<ChangeRow>(changes, [memberId])).map(toChange);
}

/** The change recorded for `month` ('YYYY-MM'), if the status changed then. */
export async function statusChangeOf(db: Queryable, memberId: string, month: string): Promise<StatusChange | undefined> {
  const [row] = await db.query<ChangeRow>(changeOfMonth, [memberId, month]);
  return row && toChange(row);
}
