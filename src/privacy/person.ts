import { createHash } from 'node:crypto';
import type { Queryable } from '../db/index.js';
import { accountEmailsOf } from '../accounts/index.js';
import { getMember, normaliseEmail } from '../members/index.js';

/** Whose data a request is about, as the tables name them. */
export interface Person {
  memberId: string;
  program: string;
  externalId: string;
  /**
   * Every address we know for them, lower case: on record, of the log-in, of their sign-ups.
   * Mail and sign-ups from before they were a member are found by these.
   */
  emails: string[];
  /** What replaces the external id and the addresses on erasure. */
  pseudonym: string;
}

/**
 * `erased:` and a digest of the member id: unique per member (the directory's key needs that),
 * the same on every call (erasure replays), and derived from nothing the person gave us, so it
 * cannot be reversed to, or confirmed against, an external id or an address.
 */
export function pseudonymFor(memberId: string): string {
  return `erased:${createHash('sha256').update(memberId).digest('hex').slice(0, 32)}`;
}

export async function findPerson(q: Queryable, memberId: string): Promise<Person | undefined> {
  const member = await getMember(q, memberId);
  if (!member) return undefined;
  const emails = new Set(await accountEmailsOf(q, memberId));
  if (member.email) emails.add(normaliseEmail(member.email));
  return { memberId, program: member.program, externalId: member.externalId, emails: [...emails].sort(), pseudonym: pseudonymFor(memberId) };
}
