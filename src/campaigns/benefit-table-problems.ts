import { Value } from 'typebox/value';
import type { DefinitionProblem } from '../definitions/index.js';
import { lineOrigins } from '../members/index.js';
import { commonFacts, covers, undeclaredInputs, type DecisionTable } from './decision-table.js';
import { BenefitRow, type CampaignDefinition } from './definition.js';

/** The facts a benefit table may name as inputs. */
export const benefitFacts = ['role', 'origin', 'planFamily', 'option'] as const;
type BenefitFact = (typeof benefitFacts)[number];

const nouns: Record<BenefitFact, string> = { role: 'role', origin: 'contract origin', planFamily: 'plan family', option: 'option' };

/**
 * GG-3's decision table checked against the rest of the campaign (pure): inputs that are facts,
 * rows that give a real option, cell values a line can have (a misspelt role or plan family would
 * leave a silent gap), no two rows giving one option to the same line (collect) or a row never
 * reached (first), and no role, option or plan family that no row serves. Gaps a campaign means —
 * GG-3 gives no discount for an upgrade — are combinations without a row, which stay allowed.
 */
export function benefitTableProblems(c: CampaignDefinition): DefinitionProblem[] {
  const table: DecisionTable = c.benefits;
  const problems = [...inputProblems(table), ...rowProblems(c)];
  if (problems.length > 0) return problems;
  return [...cellProblems(c), ...overlapProblems(table), ...gapProblems(c)];
}

function inputProblems(table: DecisionTable): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  table.inputs.forEach((input, i) => {
    if (!isFact(input)) problems.push({ path: ['benefits', 'inputs', i], message: `benefits.inputs: "${input}" is not a fact; use ${benefitFacts.join(', ')}` });
  });
  for (const { row, input } of undeclaredInputs(table)) {
    problems.push({ path: ['benefits', 'rules', row, 'when', input], onKey: true, message: `"${input}" is not one of benefits.inputs (${table.inputs.join(', ')})` });
  }
  return problems;
}

function rowProblems(c: CampaignDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  c.benefits.rules.forEach((rule, row) => {
    const [error] = Value.Errors(BenefitRow, rule.then);
    if (error) {
      problems.push({ path: ['benefits', 'rules', row, 'then'], message: `benefits.rules.${row}.then${error.instancePath.replaceAll('/', '.')} ${error.message}` });
      return;
    }
    const option = (rule.then as { option: string }).option;
    if (!Object.hasOwn(c.options, option)) {
      problems.push({ path: ['benefits', 'rules', row, 'then', 'option'], message: `option "${option}" is not one of options (${Object.keys(c.options).join(', ')})` });
    }
  });
  return problems;
}

/** The values a line can have for each fact. */
function domainsOf(c: CampaignDefinition): Record<BenefitFact, readonly string[]> {
  return { role: Object.keys(c.roles), origin: lineOrigins, planFamily: Object.keys(c.planFamilies), option: Object.keys(c.options) };
}

function cellProblems(c: CampaignDefinition): DefinitionProblem[] {
  const domains = domainsOf(c);
  const problems: DefinitionProblem[] = [];
  c.benefits.rules.forEach((rule, row) => {
    for (const [input, cell] of Object.entries(rule.when)) {
      if (!isFact(input)) continue;
      const values = Array.isArray(cell) ? cell : [cell];
      values.forEach((value, i) => {
        if (typeof value === 'string' && domains[input].includes(value)) return;
        const path = ['benefits', 'rules', row, 'when', input, ...(Array.isArray(cell) ? [i] : [])];
        const message = `benefits.rules.${row}.when.${input}: ${JSON.stringify(value)} is not a ${nouns[input]} of the campaign (${domains[input].join(', ')}), so the row can never match it`;
        problems.push({ path, message });
      });
    }
  });
  return problems;
}

/** collect: one line, one option, one amount. first: a row below one that matches all it matches is dead. */
function overlapProblems(table: DecisionTable): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const optionOf = (row: number) => (table.rules[row]?.then as { option: string }).option;
  for (let later = 1; later < table.rules.length; later += 1) {
    for (let earlier = 0; earlier < later; earlier += 1) {
      const path = ['benefits', 'rules', later, 'when'];
      if (table.hitPolicy === 'first' && covers(table, earlier, later)) {
        problems.push({ path, message: `benefits.rules.${later} is never chosen: benefits.rules.${earlier} above it matches every line it matches (hitPolicy first)` });
        break;
      }
      const shared = table.hitPolicy === 'collect' && optionOf(earlier) === optionOf(later) ? commonFacts(table, earlier, later) : undefined;
      if (shared) {
        const facts = Object.entries(shared).map(([k, v]) => `${k} ${v}`).join(', ');
        problems.push({ path, message: `benefits.rules.${later} and benefits.rules.${earlier} both give option "${optionOf(later)}" to a line with ${facts}; make their cells disjoint so each line gets one amount` });
        break;
      }
    }
  }
  return problems;
}

/** A role, option or plan family no row serves can never get a benefit: a gap nobody meant. */
function gapProblems(c: CampaignDefinition): DefinitionProblem[] {
  const table = c.benefits;
  const admits = (input: BenefitFact, value: string) =>
    !table.inputs.includes(input) || table.rules.some((rule) => {
      const cell = rule.when[input];
      return cell === undefined || cell === value || (Array.isArray(cell) && (cell as unknown[]).includes(value));
    });
  const given = new Set(table.rules.map((rule) => (rule.then as { option: string }).option));
  return [
    ...Object.keys(c.roles).filter((role) => !admits('role', role)).map((role) => gap(['roles', role], `role "${role}" gets no benefit: no row of benefits has role ${role}`)),
    ...Object.keys(c.options).filter((option) => !given.has(option) || !admits('option', option)).map((option) => gap(['options', option], `option "${option}" is given by no row of benefits, so nobody could choose it`)),
    ...Object.keys(c.planFamilies).filter((family) => !admits('planFamily', family)).map((family) => gap(['planFamilies', family], `plan family "${family}" gets no benefit: no row of benefits has planFamily ${family}`)),
  ];
}

const gap = (path: (string | number)[], message: string): DefinitionProblem => ({ path, onKey: true, message });

function isFact(input: string): input is BenefitFact {
  return (benefitFacts as readonly string[]).includes(input);
}
