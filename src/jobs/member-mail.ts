import type { Temporal } from 'temporal-polyfill';
import { keyDeliveryFor } from '../accounts/index.js';
import type { Db } from '../db/index.js';
import { getBalance, type Balance } from '../ledger/index.js';
import { membersAtPage, type Member } from '../members/index.js';
import { enqueueEmail, type EmailMessage } from '../notifications/index.js';
import { type Locale, type Program, programName } from '../programs/index.js';
import { runChunked, type JobContext, type JobOutcome } from './chunked.js';

const PAGE = 1_000;

/** What a member-mail job knows of each member: where their mail goes and their balance now. */
export interface Recipient {
  member: Member;
  email: string;
  locale: Locale;
  programName: string;
  balance: Balance;
}

/**
 * A monthly transactional email to the program's members with an email address (FL-7 and the
 * expiry warning): `compose` returns the message for a member, or undefined to send nothing. Each
 * chunk's messages commit with the run's cursor, so a resumed run emails nobody twice.
 */
export async function runMemberMail(
  db: Db,
  program: Program,
  run: { job: string; month: string },
  ctx: JobContext,
  compose: (recipient: Recipient, now: Temporal.Instant) => Omit<EmailMessage, 'memberId' | 'to' | 'locale'> | undefined,
): Promise<JobOutcome> {
  return runChunked(db, { program: program.key, job: run.job, period: run.month }, ctx, async (tx, cursor) => {
    const page = await membersAtPage(tx, program.key, ctx.now, cursor ?? undefined, PAGE);
    const last = page.at(-1);
    if (!last) return undefined;
    let emails = 0;
    for (const member of page) {
      const { email, locale } = await keyDeliveryFor(tx, program, member);
      const balance = await getBalance(tx, member.id, ctx.now);
      if (!email || !balance) continue;
      const message = compose({ member, email, locale, programName: programName(program, locale), balance }, ctx.now);
      if (!message) continue;
      await enqueueEmail(tx, { ...message, memberId: member.id, to: email, locale } as EmailMessage, ctx);
      emails += 1;
    }
    return { cursor: last.id, counts: { members: page.length, emails, skipped: page.length - emails } };
  });
}
