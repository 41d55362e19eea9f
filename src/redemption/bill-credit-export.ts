import { csvLine } from '../csv.js';
import type { Queryable } from '../db/index.js';
import * as sql from './sql.js';
import type { BillCreditRow } from './sql.js';

/**
 * FL-4: what to take off each bill, for the billing system: one CSV row per bill credit of the
 * billing month, in redemption order. The member's external id and contract are as they were when
 * the credit was redeemed. Amounts are in minor units of the currency (for JPY: yen).
 */

export const billCreditCsvHeader = ['member_external_id', 'contract_id', 'billing_month', 'amount_minor', 'currency', 'redemption_id'];

export interface BillCreditExport {
  rows: number;
  amountMinor: number;
}

const pageSize = 1000;

/** Writes the CSV (header first, CRLF line ends as RFC 4180 says) in pages; `write` may apply back-pressure. */
export async function exportBillCredits(
  db: Queryable,
  programKey: string,
  month: string,
  write: (chunk: string) => Promise<void> | void,
): Promise<BillCreditExport> {
  await write(csvLine(billCreditCsvHeader));
  const totals: BillCreditExport = { rows: 0, amountMinor: 0 };
  let after = '';
  for (;;) {
    const page = await db.query<BillCreditRow>(sql.billCreditsPage, [programKey, month, after, pageSize]);
    if (page.length === 0) return totals;
    await write(page.map(toCsv).join(''));
    for (const row of page) {
      totals.rows += 1;
      totals.amountMinor += row.amount_minor;
    }
    after = page[page.length - 1]?.id ?? after;
    if (page.length < pageSize) return totals;
  }
}

function toCsv(row: BillCreditRow): string {
  return csvLine([row.external_id, row.contract_id ?? '', row.billing_month, String(row.amount_minor), row.currency, row.id]);
}
