import type { Temporal } from 'temporal-polyfill';
import { statement, type Queryable } from '../db/index.js';
import { refusal } from '../errors.js';

export interface AccountLink {
  system: string;
  accountId: string;
  linkedAt: Temporal.Instant;
}

const claim = statement('members.claimLink', `
  insert into link_directory (program_key, system, account_id, member_id) values ($1, $2, $3, $4)
  on conflict (program_key, system, account_id) do nothing
  returning member_id`);
const owner = statement('members.linkOwner', `
  select member_id from link_directory where program_key = $1 and system = $2 and account_id = $3`);
const insert = statement('members.insertLink', `
  insert into member_links (member_id, system, account_id, linked_at, linked_by) values ($1, $2, $3, $4, $5)
  on conflict do nothing
  returning linked_at`);
const get = statement('members.getLink', `
  select system, account_id, linked_at from member_links where member_id = $1 and system = $2 and account_id = $3`);
const list = statement('members.listLinks', `
  select system, account_id, linked_at from member_links where member_id = $1 order by linked_at`);
const resolve = statement('members.resolveLink', `
  select d.member_id, l.linked_at from link_directory d
  join member_links l on l.member_id = d.member_id and l.system = d.system and l.account_id = d.account_id
  where d.program_key = $1 and d.system = $2 and d.account_id = $3`);

type LinkRow = { system: string; account_id: string; linked_at: Temporal.Instant };
const toLink = (r: LinkRow): AccountLink => ({ system: r.system, accountId: r.account_id, linkedAt: r.linked_at });

/**
 * SR-8: links an account of another system (the store) to the member. Linking again is harmless
 * and keeps the first link time (SR-4 counts from it); an account linked to another member is refused.
 * Run inside a transaction.
 */
export async function linkAccount(
  tx: Queryable,
  input: { program: string; memberId: string; system: string; accountId: string },
  ctx: { now: Temporal.Instant; actor: string },
): Promise<{ link: AccountLink; created: boolean }> {
  const claimed = await tx.query<{ member_id: string }>(claim, [input.program, input.system, input.accountId, input.memberId]);
  if (claimed.length === 0) {
    const [current] = await tx.query<{ member_id: string }>(owner, [input.program, input.system, input.accountId]);
    if (current?.member_id !== input.memberId) {
      throw refusal('link_exists', `The ${input.system} account ${input.accountId} is linked to another member`);
    }
  }
  const inserted = await tx.query(insert, [input.memberId, input.system, input.accountId, ctx.now.toString(), ctx.actor]);
  const [row] = await tx.query<LinkRow>(get, [input.memberId, input.system, input.accountId]);
  if (!row) throw refusal('not_found', 'The link disappeared');
  return { link: toLink(row), created: inserted.length > 0 };
}

export async function listLinks(db: Queryable, memberId: string): Promise<AccountLink[]> {
  return (await db.query<LinkRow>(list, [memberId])).map(toLink);
}

/** The member an account of another system is linked to, and since when. */
export async function findByLink(
  db: Queryable,
  program: string,
  system: string,
  accountId: string,
): Promise<{ memberId: string; linkedAt: Temporal.Instant } | undefined> {
  const [row] = await db.query<{ member_id: string; linked_at: Temporal.Instant }>(resolve, [program, system, accountId]);
  return row && { memberId: row.member_id, linkedAt: row.linked_at };
}
