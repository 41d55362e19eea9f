import type { Queryable } from '../db/index.js';
import type { Member } from '../members/index.js';
import { defaultLocale, type Locale, type Program } from '../programs/index.js';
import * as sql from './sql.js';

/** Where a member's own messages go: their log-in's email and language, else the email on record. */
export async function keyDeliveryFor(q: Queryable, program: Program, member: Member): Promise<{ email: string | null; locale: Locale }> {
  const [account] = await q.query<sql.AccountRow>(sql.getAccount, [member.id]);
  return account
    ? { email: account.email, locale: account.locale }
    : { email: member.email, locale: program.accounts?.defaultLocale ?? defaultLocale };
}
