import { statement, type Queryable } from '../db/index.js';
import { toMember, type Member } from './member.js';
import { normaliseEmail, normalisePhone } from './normalise.js';
import type { MemberRow } from './sql.js';

/** What an operator's query is compared with: exactly, after the normalisation of each kind. */
export interface SearchKeys {
  externalId: string;
  /** Only for a query that could be an email (it holds an @). */
  email: string | null;
  /** Only for a query written as a phone number: digits and the marks people write between them. */
  phone: string | null;
}

export type SearchMatch = 'externalId' | 'email' | 'phone';

const phoneWriting = /^[+\d\s()\-‐‑–—−ー.]+$/u;
/** Fewer digits than this is a fragment, not a phone number; more is no phone number (E.164 has 15). */
const phoneDigits = { min: 6, max: 15 } as const;

/** Pure: the keys of a query (`０９０-1234-5678` → phone `09012345678`; `Taro@Example.jp` → email `taro@example.jp`). */
export function searchKeys(query: string): SearchKeys {
  const text = query.normalize('NFKC').trim();
  const digits = normalisePhone(text);
  const phone = phoneWriting.test(text) && digits.length >= phoneDigits.min && digits.length <= phoneDigits.max ? digits : null;
  return { externalId: query.trim(), email: text.includes('@') ? normaliseEmail(text) : null, phone };
}

// Three exact lookups, each by its own index (member_directory's key; migration 0023's expression
// indexes), merged, then paged by member id. A null key matches nothing.
const search = statement('members.search', `
  with found as (
    select member_id from member_directory where program_key = $1 and external_id = $2
    union
    select member_id from members where program_key = $1 and email is not null and member_email_key(email) = $3
    union
    select member_id from members where program_key = $1 and phone is not null and member_phone_key(phone) = $4
  )
  select m.*, member_email_key(m.email) as email_key, member_phone_key(m.phone) as phone_key
  from members m join found using (member_id)
  where m.member_id > $5
  order by m.member_id
  limit $6`);

export interface FoundMember {
  member: Member;
  /** Which of the query's keys this member matched: support sees why a member is listed. */
  matchedOn: SearchMatch[];
}

/**
 * The program's members whose external id, email or phone equals the query's key of that kind,
 * in member-id order after `after`. Exact matches only: a search by part of an email would let a
 * support log-in list the members of a domain, which no call needs.
 */
export async function searchMembers(db: Queryable, input: { program: string; query: string; after: string | undefined; limit: number }): Promise<FoundMember[]> {
  const keys = searchKeys(input.query);
  const rows = await db.query<MemberRow & { email_key: string | null; phone_key: string | null }>(search, [
    input.program,
    keys.externalId,
    keys.email,
    keys.phone,
    input.after ?? '',
    input.limit,
  ]);
  return rows.map((row) => ({
    member: toMember(row),
    matchedOn: [
      ...(row.external_id === keys.externalId ? (['externalId'] as const) : []),
      ...(keys.email !== null && row.email_key === keys.email ? (['email'] as const) : []),
      ...(keys.phone !== null && row.phone_key === keys.phone ? (['phone'] as const) : []),
    ],
  }));
}
