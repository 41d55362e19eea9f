import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { refusal } from '../errors.js';
import type { Program } from '../programs/index.js';
import { billCreditCounter } from './plan.js';
import * as sql from './sql.js';

/** FL-4 as a member sees it before applying: the steps, the month's cap and what is used of it. */
export interface BillCreditUsage {
  billingMonth: string;
  step: number;
  monthlyCap: number;
  used: number;
  /** What may still be applied this billing month: the cap less what is used, never below 0. */
  left: number;
}

/**
 * The member's bill credit of the billing month `now` falls in, read from the same counter the
 * cap's guard writes, so what it shows is what the next redemption is checked against (it may
 * be stale by the time the member applies; the guard, not this read, decides).
 */
export async function billCreditUsage(db: Queryable, program: Program, memberId: string, now: Temporal.Instant): Promise<BillCreditUsage> {
  const billCredit = program.redemption?.billCredit;
  if (!billCredit) throw refusal('redemption_not_offered', `Program ${program.key} does not offer bill_credit redemptions`, { kind: 'bill_credit' });
  const { billingMonth, counter } = billCreditCounter(program, billCredit, now);
  const [row] = await db.query<{ used: number }>(sql.counterUsed, [memberId, counter.name]);
  const used = row?.used ?? 0;
  return { billingMonth, step: billCredit.step, monthlyCap: billCredit.monthlyCap, used, left: Math.max(billCredit.monthlyCap - used, 0) };
}
