import { useEffect } from 'react';
import { get } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Loading, ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { useLoad } from '../../ui/use-load';

const pollMs = 2000;

/**
 * The last job runs of every program, newest first, with their counts; while one runs, the page
 * asks again every 2 seconds, so its counts and cursor (the last item of its last committed chunk) move.
 */
export function JobsPage() {
  const { t, dateTime } = useI18n();
  const runs = useLoad(async () => {
    const programs = await get('/v1/programs', {});
    const perProgram = await Promise.all(programs.map(async (p) => (await get('/v1/programs/{program}/jobs/runs', { program: p.key }, { limit: 20 })).map((r) => ({ ...r, program: p.key }))));
    return perProgram.flat().sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }, []);
  const running = runs.data?.some((r) => r.status === 'running') ?? false;
  const { reload } = runs;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(reload, pollMs);
    return () => clearInterval(timer);
  }, [running, reload]);
  return (
    <>
      <ScreenTitle>{t('console.jobs')}</ScreenTitle>
      <button type="button" className="secondary" onClick={runs.reload}>{t('console.refresh')}</button>
      {running && <p role="status" className="muted">{t('console.jobsPolling')}</p>}
      <ProblemMessage error={runs.error} />
      {runs.loading && !runs.data && <Loading />}
      {runs.data && (
        <div className="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('console.job')}</th>
                <th scope="col">{t('login.program')}</th>
                <th scope="col">{t('console.period')}</th>
                <th scope="col">{t('contact.status')}</th>
                <th scope="col">{t('console.startedAt')}</th>
                <th scope="col">{t('console.finishedAt')}</th>
                <th scope="col">{t('console.counts')}</th>
                <th scope="col">{t('console.cursor')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.map((r) => (
                <tr key={`${r.program}-${r.job}-${r.period}-${r.startedAt}`}>
                  <td>{r.job}</td>
                  <td>{r.program}</td>
                  <td>{r.period}</td>
                  <td>{r.status}</td>
                  <td>{dateTime(r.startedAt)}</td>
                  <td>{r.finishedAt ? dateTime(r.finishedAt) : t('console.running')}</td>
                  <td>{Object.entries(r.counts).map(([k, v]) => `${k}: ${v}`).join(', ')}</td>
                  <td className="mono">{r.cursor ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {runs.data.length === 0 && <p>{t('console.none')}</p>}
        </div>
      )}
    </>
  );
}
