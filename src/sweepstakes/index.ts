/** Sweepstakes (SU): definitions, entries, verifiable draws, awards. See README.md. */
export { SweepstakesSchema, type SweepstakesDefinition, type Prize, type EntryChannel } from './definition.js';
export { loadSweepstakesOf, SweepstakesLoadError } from './load.js';
export { requireCountrySource } from './countries.js';
export { capBreaches, premiumCapsByCountry, type PremiumCaps } from './legal.js';
export { enter, entrantFacts, entryOf, toEntry, type Entry, type EntryRequest } from './entries.js';
export { prizeOptions, type PrizeOption } from './gates.js';
export { drawPeriod, drawOfPeriod, getDrawReport, operatorExclusion, type DrawReport, type TierReport } from './draws.js';
export { runSweepstakesDay } from './credits.js';
export { inviteChunk } from './invitations.js';
export { periodAt, windowOf, drawOpensAt, awardAt, runsIn } from './periods.js';
export { readPeriod, openedPeriod } from './period-store.js';
export { commitmentOf, rankOf } from './ranking.js';
export { publishedDraw, verifyDraw, type DrawEntryRow, type PublishedDraw, type Verification } from './verify.js';
export { listMemberEntries, listPeriodEntries, excludeEntry, suspectedDuplicates, type MemberEntry, type DuplicateGroup } from './listings.js';
export { sweepstakesPersonalData, eraseSweepstakesData } from './personal-data.js';
