import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatProblem, type DefinitionLoadProblem } from '../definitions/index.js';
import { loadPrograms, ProgramLoadError } from '../programs/index.js';
import { CampaignLoadError, loadCampaignFile } from './index.js';

/**
 * A broken campaign file is refused whole, naming each problem as `file:line:column: message`
 * at the text that is wrong, so an operator can fix a campaign without reading code. Each case
 * changes one place of a real example and says where the problem must point.
 */
const examples = {
  gg: { file: 'examples/programs/softbank/campaigns/giga-gakuwari.yaml', name: 'giga-gakuwari.yaml' },
  hikari: { file: 'examples/programs/flets-club/campaigns/hikari-welcome-2026.yaml', name: 'hikari-welcome-2026.yaml' },
};

interface Case {
  name: string;
  example: keyof typeof examples;
  /** Text of the example replaced by `by`, once. */
  replace: string;
  by: string;
  /** Where the first problem points: the first occurrence of this text in the changed file. */
  at: string;
  message: RegExp;
  /** How many problems, when not one. */
  count?: number;
}

const cases: Case[] = [
  { name: 'bad YAML (an unclosed list)', example: 'gg', replace: '  from: 2016-01-15', by: '  from: [2016-01-15', at: 'until: 2016', message: /^YAML: Flow sequence/, count: 3 },
  { name: 'an unknown (misspelt) key, with the keys allowed there', example: 'gg', replace: '  until: 2016-05-31', by: '  untill: 2016-05-31', at: 'untill', message: /^unknown key "period\.untill" \(allowed here: from, until, message\)$/, count: 2 },
  { name: 'a value of the wrong type', example: 'gg', replace: 'monthsAfterContract: 1', by: 'monthsAfterContract: one', at: 'one\n', message: /^start\.monthsAfterContract "one" must be a whole number$/ },
  { name: 'CEL that does not parse', example: 'gg', replace: '    when: line.device.purchased', by: '    when: line.device.purchased &&', at: 'line.device.purchased &&', message: /^eligibility\.0\.when: CEL: Unexpected token/ },
  { name: 'CEL naming a variable conditions do not have', example: 'gg', replace: '    when: line.device.purchased', by: '    when: customer.age < 26', at: 'customer.age', message: /^eligibility\.0\.when: CEL: Unknown variable: customer/ },
  { name: 'CEL that is not true or false', example: 'gg', replace: "    when: line.planFamily != ''", by: '    when: size(line.services)', at: 'size(line.services)', message: /^eligibility\.1\.when: CEL: a condition must be true or false/ },
  { name: 'CEL of a termination rule, checked against what termination patterns see', example: 'gg', replace: 'when: line.planFamily == \'\'\n', by: 'when: person.ageAtApplication > 25\n', at: 'person.ageAtApplication > 25', message: /^termination\.rules\.0\.when: CEL: Unknown variable: person/ },
  { name: 'a benefit row for an unknown role (a typo that would leave a silent gap)', example: 'gg', replace: 'role: family, origin: new, planFamily: white }', by: 'role: famly, origin: new, planFamily: white }', at: 'famly', message: /^benefits\.rules\.4\.when\.role: "famly" is not a role of the campaign \(u25, family\)/ },
  { name: 'a benefit row for an unknown origin, in a list cell', example: 'gg', replace: 'origin: [new, mnp, upgrade]', by: 'origin: [new, mpn, upgrade]', at: 'mpn', message: /^benefits\.rules\.6\.when\.origin: "mpn" is not a contract origin of the campaign \(new, mnp, upgrade\)/ },
  { name: 'a gap: a plan family no benefit row serves', example: 'gg', replace: '  white: [white-plan]', by: '  white: [white-plan]\n  gadget: [gadget-plan]', at: 'gadget:', message: /^plan family "gadget" gets no benefit/ },
  { name: 'a gap: an option no benefit row gives', example: 'gg', replace: 'options:\n', by: 'options:\n  points:\n    kind: discount\n    names: { ja: ポイント, en: Points }\n', at: 'points:', message: /^option "points" is given by no row of benefits/ },
  {
    name: 'an overlap: two collect rows giving one option to the same line',
    example: 'gg',
    replace: '    - { when: { role: u25, origin: [new, mnp], planFamily: white }',
    by: '    - { when: { role: u25, origin: new }, then: { option: discount, amount: 1000, unit: JPY, months: 12 } }\n    - { when: { role: u25, origin: [new, mnp], planFamily: white }',
    at: '{ role: u25, origin: new }',
    message: /^benefits\.rules\.1 and benefits\.rules\.0 both give option "discount" to a line with role u25, origin new, planFamily talk-unlimited; make their cells disjoint/,
    count: 2,
  },
  { name: 'an overlap under hitPolicy first: a row never chosen', example: 'hikari', replace: '{ when: { planFamily: mansion }', by: '{ when: { planFamily: [mansion, home] }', at: '{ planFamily: home }', message: /^benefits\.rules\.1 is never chosen: benefits\.rules\.0 above it matches every line it matches/ },
  { name: 'a benefit row naming an option that does not exist', example: 'hikari', replace: 'option: discount, amount: 550', by: 'option: discont, amount: 550', at: 'discont', message: /^option "discont" is not one of options \(discount\)$/ },
  { name: 'an unknown role a family depends on', example: 'gg', replace: '      role: u25\n', by: '      role: u52\n', at: 'u52', message: /^role "u52" is not one of roles \(u25, family\)$/ },
  { name: 'an unknown role of a termination rule', example: 'gg', replace: '      roles: [family]', by: '      roles: [famly]', at: '[famly]', message: /^role "famly" is not one of roles \(u25, family\)$/ },
  { name: 'an unknown role of a re-application column', example: 'gg', replace: '    - { role: family, origin: mnp }', by: '    - { role: kin, origin: mnp }', at: 'kin, origin', message: /^role "kin" is not one of roles/ },
  { name: 'a re-application row with a cell missing', example: 'gg', replace: 'giga-gakuwari: [×, ×, ×, ×, ×]', by: 'giga-gakuwari: [×, ×, ×, ×]', at: '[×, ×, ×, ×]', message: /^reapplication row "giga-gakuwari" has 4 cells; the table has 5 columns$/ },
  { name: 'a period that ends before it starts', example: 'gg', replace: '  until: 2016-05-31', by: '  until: 2015-05-31', at: '2015-05-31', message: /^period\.until is before period\.from$/ },
  { name: 'an id unlike the file name', example: 'gg', replace: 'id: giga-gakuwari', by: 'id: giga-gakuwari-2016', at: 'giga-gakuwari-2016', message: /^id "giga-gakuwari-2016" must equal the file's name "giga-gakuwari"/ },
];

/** The 1-based line and column of the first `needle` in `text`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `the changed file contains ${JSON.stringify(needle)}`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

function changed(c: Case): { file: string; text: string } {
  const example = examples[c.example];
  const original = readFileSync(example.file, 'utf8');
  assert.ok(original.includes(c.replace), `${example.file} contains ${JSON.stringify(c.replace)}`);
  const text = original.replace(c.replace, c.by);
  const file = join(mkdtempSync(join(tmpdir(), 'pointbook-campaign-')), example.name);
  writeFileSync(file, text);
  return { file, text };
}

function loadProblems(file: string, program: string): DefinitionLoadProblem[] {
  try {
    loadCampaignFile(file, program);
  } catch (error) {
    assert.ok(error instanceof CampaignLoadError, `expected a CampaignLoadError, got ${String(error)}`);
    return [...error.errors];
  }
  assert.fail(`${file} loaded, but it is invalid`);
}

describe('campaign files', () => {
  it('loads both examples as they are', () => {
    assert.equal(loadCampaignFile(examples.gg.file, 'softbank').id, 'giga-gakuwari');
    assert.equal(loadCampaignFile(examples.hikari.file, 'flets-club').id, 'hikari-welcome-2026');
  });

  for (const c of cases) {
    it(`refuses ${c.name}, at file:line:column`, () => {
      const { file, text } = changed(c);
      const problems = loadProblems(file, c.example === 'gg' ? 'softbank' : 'flets-club');
      assert.equal(problems.length, c.count ?? 1, problems.map(formatProblem).join('\n'));
      const { line, column } = positionOf(text, c.at);
      const pointed = problems.find((p) => c.message.test(p.message));
      assert.ok(pointed, `a problem matching ${c.message}; got\n${problems.map(formatProblem).join('\n')}`);
      assert.equal(formatProblem(pointed), `${file}:${line}:${column}: ${pointed.message}`);
    });
  }

  it('stops the program that holds a broken campaign, naming the campaign file', () => {
    const root = mkdtempSync(join(tmpdir(), 'pointbook-programs-'));
    mkdirSync(join(root, 'softbank', 'campaigns'), { recursive: true });
    copyFileSync('examples/programs/softbank/program.yaml', join(root, 'softbank', 'program.yaml'));
    const campaign = join(root, 'softbank', 'campaigns', 'giga-gakuwari.yaml');
    writeFileSync(campaign, readFileSync(examples.gg.file, 'utf8').replace('    when: line.device.purchased', '    when: line.device.purchased &&'));
    assert.throws(
      () => loadPrograms(root),
      (error: unknown) => {
        assert.ok(error instanceof ProgramLoadError || error instanceof CampaignLoadError, String(error));
        assert.match((error as Error).message, new RegExp(`${campaign.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}:57:11: eligibility\\.0\\.when: CEL`));
        return true;
      },
    );
  });
});
