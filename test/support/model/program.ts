import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../../../src/db/index.js';
import { syncPrograms, type Program } from '../../../src/programs/index.js';
import { programFromYaml } from '../programs.js';

/**
 * The program the model suites run (RELIABILITY.md D1, C2): every rule the model knows, and no
 * other. FL-8 fiscal-year expiry one year after the year earned (so two years' lots live at once
 * and a fiscal-year end expires one), SR-3 pending points until shipment, up_to_available returns,
 * SR-7 partner points, FL-4 bill credit with a monthly cap (a month end resets it), SR-5 checkout
 * payments refunded by hand or by the shop's returns. No step-up, promotion or tier: their rules
 * are tested elsewhere and would only widen the model.
 */
export const MODEL_PROGRAM = 'model-club';
export const MONTHLY_CAP = 5_000;
/** SR-2 here: 1 point per 100 yen of price; the model's orders price units in whole hundreds. */
export const YEN_PER_POINT = 100;

const yaml = `
key: ${MODEL_PROGRAM}
name: Model club
timeZone: Asia/Tokyo
currency: JPY
pointValue: { points: 1, amountMinor: 1 }
fiscalYear: { startMonth: 4 }
expiry: { policy: fiscal_year_end, yearsAfter: 1 }
earning:
  creditOn: shipment
  spend:
    - { id: base, points: 1, per: ${YEN_PER_POINT}, amounts: [price], rounding: floor }
  returns: { clawback: up_to_available }
  partners:
    - { id: card, name: Model card }
redemption:
  billCredit: { step: 1, monthlyCap: ${MONTHLY_CAP} }
  checkout: { step: 1 }
`;

function modelProgram(): Program {
  return programFromYaml(MODEL_PROGRAM, yaml);
}

/** Stores the program (members and redemptions reference it). */
export async function storeModelProgram(db: Queryable, now: Temporal.Instant): Promise<Program> {
  const program = modelProgram();
  await syncPrograms(db, [program], now);
  return program;
}
