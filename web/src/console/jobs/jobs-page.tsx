import { get } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Loading, ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { useLoad } from '../../ui/use-load';

/** The last job runs of every program, newest first, with their counts; a running one shows its progress so far. */
export function JobsPage() {
  const { t, dateTime } = useI18n();
  const runs = useLoad(async () => {
    const programs = await get('/v1/programs', {});
    const perProgram = await Promise.all(programs.map(async (p) => (await get('/v1/programs/{program}/jobs/runs', { program: p.key }, { limit: 20 })).map((r) => ({ ...r, program: p.key }))));
    return perProgram.flat().sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }, []);
  return (
    <>
      <ScreenTitle>{t('console.jobs')}</ScreenTitle>
      <button type="button" className="secondary" onClick={runs.reload}>{t('console.refresh')}</button>
      <ProblemMessage error={runs.error} />
      {runs.loading && <Loading />}
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
