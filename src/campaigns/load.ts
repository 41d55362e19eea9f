import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DefinitionLoadError, locateProblems, readDefinition, type DefinitionLoadProblem } from '../definitions/index.js';
import type { Program } from '../programs/index.js';
import type { Condition } from '../rules/index.js';
import type { CampaignDefinition, MessageText, OptionConfig, RoleConfig, TerminationRuleConfig } from './definition.js';
import { campaignProblems, compile, eligibilityVariables, terminationVariables } from './validate.js';

/**
 * Campaigns are files beside their program: `<program folder>/campaigns/<id>.yaml`, validated
 * with `file:line:col` problems and compiled once (every CEL condition). A new campaign is a new
 * file, never code.
 */
export interface CompiledRule {
  id: string;
  message: MessageText;
  condition: Condition;
}

export interface Campaign {
  id: string;
  program: string;
  sourceFile: string;
  definition: CampaignDefinition;
  eligibility: CompiledRule[];
  roles: Readonly<Record<string, { config: RoleConfig; eligibility: CompiledRule[] }>>;
  options: Readonly<Record<string, { config: OptionConfig; requires: CompiledRule[] }>>;
  termination: { config: TerminationRuleConfig; condition: Condition | undefined }[];
}

export class CampaignLoadError extends DefinitionLoadError {
  constructor(errors: readonly DefinitionLoadProblem[]) {
    super(errors, 'campaign definitions');
  }
}

const campaignFile = { maxBytes: 128 * 1024, kind: 'a campaign definition', whenEmpty: 'a campaign needs id, names, period, roles, options and benefits' };
const maxCampaignsPerProgram = 200;

/** Reads, checks and compiles one campaign of `program`; throws CampaignLoadError naming every problem. */
export function loadCampaignFile(file: string, program: string): Campaign {
  const source = readDefinition(file, campaignFile);
  if (!source.ok) throw new CampaignLoadError(source.problems);
  const data = source.value.data;
  const problems = locateProblems(source.value, campaignProblems(data, basename(file, '.yaml')));
  if (problems.length > 0) throw new CampaignLoadError(problems);
  return compileCampaign(data as CampaignDefinition, program, file);
}

function compileCampaign(definition: CampaignDefinition, program: string, sourceFile: string): Campaign {
  const rules = (list: CampaignDefinition['eligibility']) => (list ?? []).map((r) => ({ id: r.id, message: r.message, condition: compile(r.when, eligibilityVariables, r.id) }));
  return deepFreeze({
    id: definition.id,
    program,
    sourceFile,
    definition,
    eligibility: rules(definition.eligibility),
    roles: Object.fromEntries(Object.entries(definition.roles).map(([id, config]) => [id, { config, eligibility: rules(config.eligibility) }])),
    options: Object.fromEntries(Object.entries(definition.options).map(([id, config]) => [id, { config, requires: rules(config.requires) }])),
    termination: definition.termination.rules.map((config) => ({
      config,
      condition: config.when === undefined ? undefined : compile(config.when, terminationVariables, config.id),
    })),
  });
}

/**
 * Every `campaigns/*.yaml` beside a program's `program.yaml`, read when the program is loaded
 * (programs/load.ts), so a bad campaign stops the start like a bad program and nothing is read
 * later on an event's path.
 */
export function loadCampaignsOf(program: Pick<Program, 'key' | 'sourceFile'>): Campaign[] {
  const dir = join(dirname(program.sourceFile), 'campaigns');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f)) : [];
  if (files.length > maxCampaignsPerProgram) {
    throw new CampaignLoadError([{ file: dir, line: 0, column: 0, message: `holds ${files.length} campaigns; at most ${maxCampaignsPerProgram}` }]);
  }
  const campaigns: Campaign[] = [];
  const errors: DefinitionLoadProblem[] = [];
  for (const file of files) {
    try {
      campaigns.push(loadCampaignFile(file, program.key));
    } catch (error) {
      if (!(error instanceof CampaignLoadError)) throw error;
      errors.push(...error.errors);
    }
  }
  if (errors.length > 0) throw new CampaignLoadError(errors);
  return campaigns;
}

/** The campaigns of a loaded program. */
export function campaignsOf(program: Pick<Program, 'campaigns'>): readonly Campaign[] {
  return program.campaigns ?? [];
}

/** Ids are global (they name `/v1/campaigns/{campaign}`): a second use is a load problem. */
export function duplicateCampaignProblems(all: readonly Campaign[]): DefinitionLoadProblem[] {
  const first = new Map<string, Campaign>();
  return all.flatMap((campaign) => {
    const earlier = first.get(campaign.id);
    if (!earlier) {
      first.set(campaign.id, campaign);
      return [];
    }
    return [{ file: campaign.sourceFile, line: 0, column: 0, message: `campaign id "${campaign.id}" is also used by ${earlier.sourceFile}` }];
  });
}

export interface CampaignRegistry {
  get(id: string): Campaign | undefined;
  ofProgram(program: string): readonly Campaign[];
}

/** Every program's campaigns by id (loadPrograms has refused ids used twice). */
export function createCampaignRegistry(programs: readonly Program[]): CampaignRegistry {
  const byId = new Map(programs.flatMap((program) => campaignsOf(program).map((campaign) => [campaign.id, campaign] as const)));
  return Object.freeze({
    get: (id: string) => byId.get(id),
    ofProgram: (program: string) => [...byId.values()].filter((c) => c.program === program),
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
