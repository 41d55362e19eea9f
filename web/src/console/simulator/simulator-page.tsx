import { useState, type FormEvent } from 'react';
import { post, type Answer } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Loading, ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { DefinitionCheck } from './definition-check';
import { ProblemList } from './problem-list';
import { YamlInput } from './yaml-input';

type Simulation = Answer<'/v1/simulations', 'post'>;

/**
 * Runs a scenario on the server's scratch database (POST /v1/simulations) and shows it step by
 * step: each step's label and line, passed or failed, and for a failed one what did not match.
 * Below, a definition file is checked as the loader would (decision 67).
 */
export function SimulatorPage() {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState('scenario.yaml');
  const [result, setResult] = useState<Simulation | null>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const run = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setResult(null);
    try {
      setResult(await post('/v1/simulations', {}, { scenario: text, fileName }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <ScreenTitle>{t('console.simulator')}</ScreenTitle>
      <form className="card" onSubmit={run} aria-labelledby="scenario-heading">
        <h2 id="scenario-heading">{t('console.runScenario')}</h2>
        <p className="muted">{t('console.simulatorHint')}</p>
        <YamlInput fileLabel={t('console.scenarioFile')} textLabel={t('console.scenarioText')} text={text} onText={setText} onFileName={setFileName} />
        <ProblemMessage error={error} />
        <button type="submit" disabled={busy}>{t('console.runScenario')}</button>
      </form>
      {busy && <Loading />}
      {result && <SimulationResult result={result} />}
      <DefinitionCheck />
    </>
  );
}

function SimulationResult({ result }: { result: Simulation }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="result-heading" data-testid="simulation">
      <div role="status">
        <h2 id="result-heading">{t(result.passed ? 'console.passed' : 'console.failed', { name: result.name })}</h2>
      </div>
      {result.problems.length > 0 && <ProblemList problems={result.problems} />}
      <ol className="sim-steps">
        {result.steps.map((step) => (
          <li key={step.number} className={step.passed ? 'passed' : 'failed'} data-testid="sim-step">
            <span aria-hidden="true">{step.passed ? '✔' : '✖'} </span>
            <span className="visually-hidden">{t(step.passed ? 'console.passed' : 'console.failed', { name: '' })}</span>
            {`${step.label} (${t('console.stepLine', { line: step.line })})`}
            {!step.passed && (
              <div className="step-detail">
                {step.error && <p className="mono">{step.error}</p>}
                {step.checks.map((check, i) => (
                  <div key={i}>
                    <p className="mono">{check.head}</p>
                    {check.mismatches.length > 0 && (
                      <ul>
                        {check.mismatches.map((m, j) => <li key={j} className="mono">{`${m.path}: ${m.message}`}</li>)}
                      </ul>
                    )}
                    {check.actual && <pre className="mono">{check.actual}</pre>}
                  </div>
                ))}
              </div>
            )}
          </li>
        ))}
      </ol>
      {result.notRun > 0 && <p>{t('console.notRun', { n: result.notRun })}</p>}
    </section>
  );
}
