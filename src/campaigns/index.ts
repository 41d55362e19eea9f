// Campaigns: definitions as data, eligibility, applications and their lifecycle, benefits per
// billing month, campaign history. See README.md.
export { campaignsOf, createCampaignRegistry, duplicateCampaignProblems, loadCampaignFile, loadCampaignsOf, CampaignLoadError, type Campaign, type CampaignRegistry } from './load.js';
export { evaluateEligibility, type Eligibility, type OfferedOption } from './eligibility.js';
export { eligibilityFacts } from './facts.js';
export { applyForCampaign, notEligible, type ApplicationInput } from './apply.js';
export { applyContractEvent, type ContractEvent } from './lifecycle.js';
export { applicationDetail, benefitsOf, findApplication, type ApplicationDetail, type Benefit } from './read.js';
export { importHistory, historyOfMember, type HistoryEntry, type HistoryImport } from './history.js';
export { exportBenefits, benefitCsvHeader, type BenefitExportFormat, type BenefitExportTotals } from './export.js';
export { campaignDataOf, type CampaignData } from './personal-data.js';
export { recordTimedStatuses, timedStatusesDue, type TimedStatusChunk } from './record-timed-statuses.js';
export type { Application } from './application.js';
export type { CampaignDefinition } from './definition.js';
