import { csvLine } from '../csv.js';
import type { Queryable } from '../db/index.js';
import { benefitsOfMonth, type ExportedBenefit } from './read.js';

/**
 * What billing must apply in one billing month (GG-4, GG-9): one row per line × benefit, as CSV
 * (RFC 4180) or a JSON array, for an upstream billing system. Rows are
 * in (member, application) order, so two exports of the same month are the same file.
 */
export const benefitCsvHeader = ['member_external_id', 'contract_id', 'campaign', 'application_id', 'billing_month', 'month_index', 'kind', 'amount', 'unit'];

export type BenefitExportFormat = 'csv' | 'json';

export interface BenefitExportTotals {
  rows: number;
  /** Sum of amounts by unit (JPY for discounts, GB for data). */
  byUnit: Record<string, number>;
}

export async function exportBenefits(
  db: Queryable,
  program: string,
  month: string,
  format: BenefitExportFormat,
  write: (chunk: string) => Promise<void> | void,
  pageSize = 1000,
): Promise<BenefitExportTotals> {
  const totals: BenefitExportTotals = { rows: 0, byUnit: {} };
  await write(format === 'csv' ? csvLine(benefitCsvHeader) : '[');
  for await (const page of benefitsOfMonth(db, program, month, pageSize)) {
    const chunk = page.map((b) => (format === 'csv' ? toCsv(b) : `${totals.rows === 0 && b === page[0] ? '' : ','}\n${JSON.stringify(toJson(b))}`));
    await write(chunk.join(''));
    for (const b of page) {
      totals.rows += 1;
      totals.byUnit[b.unit] = (totals.byUnit[b.unit] ?? 0) + b.amount;
    }
  }
  if (format === 'json') await write(totals.rows === 0 ? ']\n' : '\n]\n');
  return totals;
}

function toCsv(b: ExportedBenefit): string {
  return csvLine([b.memberExternalId, b.line, b.campaign, b.application, b.billingMonth, String(b.monthIndex), b.kind, String(b.amount), b.unit]);
}

function toJson(b: ExportedBenefit) {
  return {
    memberExternalId: b.memberExternalId,
    contractId: b.line,
    campaign: b.campaign,
    applicationId: b.application,
    billingMonth: b.billingMonth,
    monthIndex: b.monthIndex,
    kind: b.kind,
    amount: b.amount,
    unit: b.unit,
  };
}
