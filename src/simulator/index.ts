// The simulator: YAML scenarios run against the real HTTP API in-process, on a fresh in-memory
// database and a test clock each (docs/simulator.md). The CLI and the test suite import this file.
export { loadScenarioFile, loadScenarioText, scenarioFiles, ScenarioLoadError, type ScenarioLoadProblem } from './load.js';
export { checkScenario } from './check.js';
export { runScenario, runScenarioFile, type RunOptions, type ScenarioResult, type StepResult } from './run.js';
export { describeCheck, formatScenario, formatSummary, type ReportOptions } from './report.js';
export { match, type Mismatch } from './match.js';
export { createWorld, type World, type WorldOptions } from './world.js';
export type { Scenario, Step } from './schema.js';
