import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { formatScenario, loadScenarioFile, runScenarioFile, scenarioFiles, ScenarioLoadError } from '../../src/simulator/index.js';

const programsDir = 'examples/programs';

/**
 * The seed programs' clause prefixes each get a test file of their own under test/scenarios/, so
 * the scenarios (each on a fresh in-memory database) spread over the runner's processes instead
 * of running one after another in one. `other` takes every file no prefix claims.
 */
export const scenarioGroups = ['fl', 'gg', 'sr', 'su'] as const;
export type ScenarioGroup = (typeof scenarioGroups)[number] | 'other';

export function groupOf(file: string): ScenarioGroup {
  const prefix = basename(file).split('-')[0] ?? '';
  return (scenarioGroups as readonly string[]).includes(prefix) ? (prefix as ScenarioGroup) : 'other';
}

/** Every scenario of the group in examples/scenarios is a test of its own, titled with its rule and clause id. */
export function describeScenarios(group: ScenarioGroup): void {
  describe(`examples/scenarios: ${group}`, () => {
    const files = scenarioFiles(['examples/scenarios']).filter((file) => groupOf(file) === group);
    it('has scenarios', () => assert.ok(files.length > 0));
    for (const file of files) {
      it(`${basename(file)}: ${titleOf(file)}`, async () => {
        const result = await runScenarioFile(file, { programsDir });
        assert.ok(result.passed, formatScenario(result));
      });
    }
  });
}

function titleOf(file: string): string {
  try {
    return loadScenarioFile(file).name;
  } catch (error) {
    // The test itself reports the problems; the title only needs to exist.
    if (error instanceof ScenarioLoadError) return 'does not load';
    throw error;
  }
}
