import type { Config } from '../config.js';
import { formatScenario, formatSummary, runScenarioFile, scenarioFiles, type ScenarioResult } from '../simulator/index.js';

export interface SimulateOptions {
  /** Programs for scenarios that do not name their own (default POINTBOOK_PROGRAMS_DIR or examples/programs). */
  programs?: string;
  verbose?: boolean;
}

/**
 * `pointbook simulate <scenario.yaml|dir>…`: each scenario on a fresh in-memory database and test
 * clock, one after another; a failed one does not stop the next. Resolves with the exit code.
 */
export async function simulate(config: Config, paths: readonly string[], options: SimulateOptions): Promise<number> {
  const files = scenarioFiles(paths);
  const results: ScenarioResult[] = [];
  for (const file of files) {
    const result = await runScenarioFile(file, { programsDir: options.programs ?? config.programsDir });
    results.push(result);
    process.stdout.write(`${formatScenario(result, { verbose: options.verbose ?? false })}\n`);
  }
  process.stdout.write(`${formatSummary(results)}\n`);
  return results.length > 0 && results.every((result) => result.passed) ? 0 : 1;
}
