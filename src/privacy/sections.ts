import { Type } from 'typebox';
import { accessKeySection, logInSection, sessionsSection, signupsSection } from './account-sections.js';
import { campaignSection } from './campaign-section.js';
import { contactSection } from './consent-section.js';
import { billsSection, bonusesSection, eventsSection, ordersSection } from './earning-sections.js';
import { ledgerSection } from './ledger-section.js';
import { accountLinksSection, contractsSection, membershipsSection, profileSection, statusSection } from './member-sections.js';
import { messagesSection } from './message-section.js';
import { redemptionsSection, stepUpSection } from './redemption-sections.js';
import { Instant, iso, nullable, section, type Section } from './section.js';
import * as sql from './sql.js';
import { sweepstakesSection } from './sweepstakes-section.js';

/** privacy/ itself: the record of the erasure, if there was one (who, when, why). */
export const erasureSection = section({
  name: 'erasure',
  tables: ['privacy_erasures'],
  schema: nullable(Type.Object({ erasedAt: Instant, erasedBy: Type.String(), reason: Type.String() })),
  async read(q, person) {
    const [row] = await q.query<sql.ErasureRow>(sql.getErasure, [person.memberId]);
    return row ? { erasedAt: iso(row.erased_at), erasedBy: row.erased_by, reason: row.reason } : null;
  },
});

/** The export's sections, in the order they appear in it. */
export const sections: readonly Section[] = [
  profileSection,
  membershipsSection,
  contractsSection,
  accountLinksSection,
  statusSection,
  logInSection,
  accessKeySection,
  signupsSection,
  sessionsSection,
  redemptionsSection,
  stepUpSection,
  ledgerSection,
  eventsSection,
  ordersSection,
  billsSection,
  bonusesSection,
  messagesSection,
  contactSection,
  sweepstakesSection,
  campaignSection,
  erasureSection,
];

/**
 * Tables with a `member_id` column that no section exports, each with the reason. Everything in
 * them is derived from rows the sections do export, and none holds anything the person gave us.
 */
export const exemptTables: Readonly<Record<string, string>> = {
  ledger_postings: 'the double-entry lines of the transactions exported under `ledger`',
  ledger_lots: 'expiry buckets: the balance by expiry is exported under `ledger.balance`',
  ledger_allocations: 'which buckets each exported transaction filled or took from: bookkeeping',
  ledger_holds: 'settlement counters of the pending points shown in the exported transactions',
  redemption_counters: 'cap counters (FL-4 monthly cap, SR-5 checkout allowance) summed from the exported redemptions',
  ledger_chain: 'the hash of each exported transaction in the tamper-evidence chain (decision 59): bookkeeping',
};

/** Every table a section covers (the coverage test compares these with the schema). */
export function coveredTables(): string[] {
  return sections.flatMap((s) => [...s.tables]);
}

/** The response schema of the export: each section's allow-list under its name. */
export function sectionsSchema() {
  return Type.Object(Object.fromEntries(sections.map((s) => [s.name, s.schema])));
}
