import { Type } from 'typebox';
import { refusal } from '../../errors.js';
import { describeCheck, loadScenarioText, runScenario, ScenarioLoadError, type ScenarioResult, type StepResult } from '../../simulator/index.js';
import type { App, AppDeps } from '../app.js';
import { closed, responses } from '../schemas.js';
import { definitionCheckRoutes, ProblemView } from './definition-checks.js';

/** A scenario sent to a server runs at most this long (checked between steps), and one at a time. */
export const simulationLimits = { timeMs: 30_000, textBytes: 256 * 1024, concurrent: 1 } as const;

const CheckView = Type.Object({
  head: Type.String({ description: 'The request and its status, or the mail read' }),
  mismatches: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
  actual: Type.Optional(Type.String({ description: 'What came back, shortened; only where something did not match' })),
});

const StepView = Type.Object({
  number: Type.Integer(),
  line: Type.Integer(),
  label: Type.String(),
  passed: Type.Boolean(),
  checks: Type.Array(CheckView),
  error: Type.Optional(Type.String()),
  iteration: Type.Optional(Type.Integer()),
  ran: Type.Optional(Type.Integer()),
});

const SimulationView = Type.Object({
  name: Type.String(),
  passed: Type.Boolean(),
  steps: Type.Array(StepView, { description: 'The steps that ran, in order; a run stops at the first failed step' }),
  notRun: Type.Integer(),
  problems: Type.Array(ProblemView, { description: 'Why the scenario could not run (or was stopped), at `line:column` of the text where known' }),
  durationMs: Type.Integer(),
});

function toStepView(step: StepResult) {
  return { ...step, checks: step.checks.map(describeCheck) };
}

function toSimulationView(result: ScenarioResult) {
  return {
    name: result.name,
    passed: result.passed,
    steps: result.steps.map(toStepView),
    notRun: result.notRun,
    problems: result.problems.map((message) => ({ line: 0, column: 0, message })),
    durationMs: Math.round(result.durationMs),
  };
}

export function simulatorRoutes(app: App, deps: AppDeps): void {
  let running = 0;

  app.post(
    '/v1/simulations',
    {
      schema: {
        tags: ['console'],
        summary: 'Run a scenario (YAML) on a scratch database and answer its result, step by step',
        description:
          'As `pointbook simulate` does: a fresh in-memory database and test clock, never the live database, on the programs this server loaded. ' +
          `Webhooks are held, not sent. At most ${simulationLimits.textBytes} bytes and ${simulationLimits.timeMs / 1000} s (then the remaining steps are not run); one scenario at a time per server (503 simulator_busy). ` +
          'A scenario that does not load answers 200 with its problems at line:column.',
        body: Type.Object(
          {
            scenario: Type.String({ minLength: 1, maxLength: simulationLimits.textBytes, description: 'The scenario file\'s text (docs/simulator.md)' }),
            fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Shown in problems; default scenario.yaml' })),
          },
          closed,
        ),
        response: responses({ 200: SimulationView }, [400, 401, 403, 503]),
      },
    },
    async (request, reply) => {
      if (running >= simulationLimits.concurrent) {
        reply.header('retry-after', String(simulationLimits.timeMs / 1000));
        throw refusal('simulator_busy');
      }
      running += 1;
      try {
        const name = request.body.fileName ?? 'scenario.yaml';
        let scenario;
        try {
          scenario = loadScenarioText(request.body.scenario, name);
        } catch (error) {
          if (!(error instanceof ScenarioLoadError)) throw error;
          return { name, passed: false, steps: [], notRun: 0, problems: error.errors.map(({ line, column, message }) => ({ line, column, message })), durationMs: 0 };
        }
        const limit = new AbortController();
        const timer = setTimeout(() => limit.abort(new Error(`the run took longer than ${simulationLimits.timeMs / 1000} s, the limit for a scenario sent to a server`)), simulationLimits.timeMs);
        try {
          const result = await runScenario(scenario, { programsDir: '', programs: deps.programs.list(), signal: limit.signal, holdWebhooks: true });
          return toSimulationView(result);
        } finally {
          clearTimeout(timer);
        }
      } finally {
        running -= 1;
      }
    },
  );

  definitionCheckRoutes(app, deps);
}
