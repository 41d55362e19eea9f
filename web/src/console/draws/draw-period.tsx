import { useState } from 'react';
import { ApiError, get, post, type Answer } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { ProblemMessage } from '../../ui/problem';
import { useLoad } from '../../ui/use-load';
import { Section } from '../members/section';
import { may } from '../roles';
import { DrawReport } from './draw-report';
import { EntryList } from './entry-list';

type Entry = Answer<'/v1/sweepstakes/{key}/entries'>['items'][number];

/** Every entry of a period, page by page (the preview and the verification both need them all). */
async function allEntries(key: string, period: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  let cursor: string | undefined;
  do {
    const page = await get('/v1/sweepstakes/{key}/entries', { key }, { period, limit: 500, ...(cursor ? { cursor } : {}) });
    entries.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return entries;
}

/** One period: its schedule and commitment, the preview (entries per prize, suspected duplicates), the draw. */
export function DrawPeriod({ sweepstakesKey: key, period, role }: { sweepstakesKey: string; period: string; role: string }) {
  const { t, dateTime, number } = useI18n();
  const view = useLoad(() => get('/v1/sweepstakes/{key}/periods/{period}', { key, period }), [key, period]);
  const entries = useLoad(() => allEntries(key, period), [key, period]);
  const duplicates = useLoad(() => get('/v1/sweepstakes/{key}/duplicates', { key }, { period }), [key, period]);
  const [drawId, setDrawId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();

  const run = async () => {
    setError(undefined);
    try {
      const report = await post('/v1/sweepstakes/{key}/draws', { key }, { period });
      setDrawId(report.id);
      view.reload();
    } catch (e) {
      setError(e);
    }
  };

  const perPrize = new Map<string, { entries: number; excluded: number }>();
  for (const e of entries.data ?? []) {
    const counts = perPrize.get(e.prize) ?? { entries: 0, excluded: 0 };
    counts.entries += 1;
    if (e.exclusion) counts.excluded += 1;
    perPrize.set(e.prize, counts);
  }
  const reportId = drawId ?? view.data?.drawId ?? null;
  const entriesForbidden = entries.error instanceof ApiError && entries.error.status === 403;

  return (
    <>
      <Section title={t('console.periodTitle', { period })} loaded={view}>
        {(p) => (
          <dl className="pairs">
            <dt>{t('console.window')}</dt>
            <dd>{`${dateTime(p.opensAt)} – ${dateTime(p.closesAt)}`}</dd>
            <dt>{t('console.drawOpensAt')}</dt>
            <dd>{dateTime(p.drawOpensAt)}</dd>
            <dt>{t('console.awardAt')}</dt>
            <dd>{dateTime(p.awardAt)}</dd>
            <dt>{t('console.commitment')}</dt>
            <dd className="mono">{p.commitment ?? '—'}</dd>
          </dl>
        )}
      </Section>
      <Section title={t('console.preview')} loaded={entries}>
        {(list) => (
          <>
            <p data-testid="entry-count">{t('console.entryCount', { n: number(list.length) })}</p>
            <ul>
              {[...perPrize.entries()].map(([prize, c]) => (
                <li key={prize}>{t('console.perPrize', { prize, entries: number(c.entries), excluded: number(c.excluded) })}</li>
              ))}
            </ul>
            {duplicates.data && duplicates.data.length > 0 && (
              <p>{t('console.duplicates', { n: number(duplicates.data.length) })}</p>
            )}
          </>
        )}
      </Section>
      {entries.data && entries.data.length > 0 && (
        <EntryList sweepstakesKey={key} entries={entries.data} canExclude={may(role, 'excludeEntry')} onExcluded={() => { entries.reload(); duplicates.reload(); }} />
      )}
      {!reportId && may(role, 'runDraw') && (
        <section className="card">
          <p>{t('console.runHint')}</p>
          <ProblemMessage error={error} />
          <button type="button" onClick={run}>{t('console.runDraw')}</button>
        </section>
      )}
      {reportId && <DrawReport sweepstakesKey={key} drawId={reportId} entries={entriesForbidden ? null : entries.data ?? null} />}
    </>
  );
}
