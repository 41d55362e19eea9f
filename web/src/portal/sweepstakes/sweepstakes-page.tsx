import { useState } from 'react';
import { get, type Answer } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Loading, ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { useLoad } from '../../ui/use-load';
import { memberId } from '../member-session';
import { EnterFlow } from './enter-flow';
import { MyEntries } from './my-entries';

export type Options = Answer<'/v1/members/{id}/sweepstakes'>[number];

/** SU: what the member may enter this period (with reasons for prizes not allowed), and their entries. */
export function SweepstakesPage({ enterKey, link }: { enterKey?: string; link?: string }) {
  const { t, pick, dateTime } = useI18n();
  const id = memberId();
  const options = useLoad(() => get('/v1/members/{id}/sweepstakes', { id }), [id]);
  const entries = useLoad(() => get('/v1/members/{id}/sweepstakes-entries', { id }), [id]);
  const [entering, setEntering] = useState<string | undefined>(enterKey);

  const chosen = options.data?.find((o) => o.sweepstakes === entering);
  if (chosen && !chosen.enteredEntryId) {
    return <EnterFlow options={chosen} link={link} onClose={() => { setEntering(undefined); options.reload(); entries.reload(); }} />;
  }
  return (
    <>
      <ScreenTitle>{t('sweepstakes.title')}</ScreenTitle>
      <ProblemMessage error={options.error} />
      {options.loading && <Loading />}
      {options.data?.length === 0 && <p>{t('sweepstakes.none')}</p>}
      <ul className="tiles">
        {options.data?.map((o) => (
          <li key={o.sweepstakes} className="card">
            <h2>{pick(o.names)}</h2>
            <p className="muted">{t('sweepstakes.window', { from: dateTime(o.opensAt), until: dateTime(o.closesAt) })}</p>
            {o.enteredEntryId ? (
              <p role="status">{t('sweepstakes.entered')}</p>
            ) : !o.open ? (
              <p>{t('sweepstakes.closed')}</p>
            ) : o.prizes.some((p) => p.allowed) ? (
              <button type="button" onClick={() => setEntering(o.sweepstakes)}>
                {t('sweepstakes.enter')}
                <span className="visually-hidden"> {pick(o.names)}</span>
              </button>
            ) : (
              <>
                <p>{t('sweepstakes.notAllowed')}</p>
                <ul>
                  {[...new Set(o.prizes.flatMap((p) => p.reasons.map((r) => pick(r.message))))].map((text) => (
                    <li key={text}>{text}</li>
                  ))}
                </ul>
              </>
            )}
          </li>
        ))}
      </ul>
      <section aria-labelledby="entries-heading">
        <h2 id="entries-heading">{t('sweepstakes.myEntries')}</h2>
        <ProblemMessage error={entries.error} />
        {entries.data && <MyEntries entries={entries.data} names={new Map(options.data?.map((o) => [o.sweepstakes, o]))} />}
      </section>
    </>
  );
}
