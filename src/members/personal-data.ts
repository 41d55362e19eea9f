import type { Temporal } from 'temporal-polyfill';
import { statement, type Queryable } from '../db/index.js';
import { assert } from '../errors.js';
import * as sql from './sql.js';

/**
 * Erasure of a member's personal data (privacy/, issue #7). The member row stays, so the ledger,
 * which holds ids only, keeps its owner; what named the person is nulled or replaced. Reading for
 * the export needs nothing new: getMember, listMemberships, listContracts, listLinks, getStatus and
 * listStatusChanges answer it.
 */

const lockMember = statement('members.lockForErasure', `
  select program_key, external_id from members where member_id = $1 for update`);

// The old external id leaves the directory; the pseudonym takes its place, so every member keeps
// exactly one directory row and `members.external_id` still names it. Events that still carry the
// old id find no member (unknown_member), and enrolling it again makes a new member.
const dropDirectoryRow = statement('members.dropDirectoryRow', `
  delete from member_directory where program_key = $1 and external_id = $2 and member_id = $3`);

const pseudonymize = statement('members.pseudonymize', `
  update members set external_id = $2, name = null, email = null, phone = null, birth_date = null,
    postal_address = null, country = null, attributes = '{}'
  where member_id = $1`);

// link_directory is keyed by the linked account, so its rows are found through member_links.
const dropLinkDirectory = statement('members.dropLinkDirectoryOf', `
  delete from link_directory d using member_links l
  where l.member_id = $1 and d.program_key = $2 and d.system = l.system and d.account_id = l.account_id and d.member_id = $1`);
const dropLinks = statement('members.dropLinksOf', `delete from member_links where member_id = $1`);

// A line's user and holder are people (GG-1: the user's birth date proves the age); their person
// ids are the carrier's, like the contract's, and stay; the rest of the line is the contract's.
const eraseLineUsers = statement('members.eraseLineUsers', `
  update member_contracts set line = line #- '{user,birthDate}' #- '{holder,birthDate}'
  where member_id = $1 and (line #> '{user,birthDate}' is not null or line #> '{holder,birthDate}' is not null)`);

export interface MemberErasure {
  /** The external id the member had; gone from every table once the transaction commits. */
  formerExternalId: string;
  /** Whether an open membership period was ended (false: the member had already left). */
  membershipEnded: boolean;
}

/**
 * Pseudonymizes the member in the caller's transaction: profile fields nulled, attributes emptied,
 * the external id replaced by `pseudonym` (in the directory too), account links removed, and the
 * open membership period ended at `now` — an erased person is no longer a member, so jobs that
 * count members (monthly grants) pass them by. Contracts (less their users' and holders' birth dates), status
 * and the ledger stay: they name upstream contracts and points, not the person. Locks the member row first.
 */
export async function erasePersonalData(
  tx: Queryable,
  input: { memberId: string; pseudonym: string },
  ctx: { now: Temporal.Instant; actor: string },
): Promise<MemberErasure> {
  const [member] = await tx.query<{ program_key: string; external_id: string }>(lockMember, [input.memberId]);
  assert(member, 'the member to erase exists');
  await tx.query(dropDirectoryRow, [member.program_key, member.external_id, input.memberId]);
  const claimed = await tx.query(sql.claimExternalId, [member.program_key, input.pseudonym, input.memberId]);
  assert(claimed.length === 1, 'a pseudonym is unique to its member');
  await tx.query(pseudonymize, [input.memberId, input.pseudonym]);
  await tx.query(dropLinkDirectory, [input.memberId, member.program_key]);
  await tx.query(dropLinks, [input.memberId]);
  await tx.query(eraseLineUsers, [input.memberId]);
  const ended = await tx.query(sql.endMembership, [input.memberId, ctx.now.toString(), ctx.actor]);
  return { formerExternalId: member.external_id, membershipEnded: ended.length > 0 };
}
