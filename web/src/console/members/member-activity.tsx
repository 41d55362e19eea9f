import { useState } from 'react';
import { get } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { useLoad } from '../../ui/use-load';
import { ApplicationHistory } from './application-history';
import { Section } from './section';

/** Campaign applications (GG-11 history) and sweepstakes entries with their results. */
export function MemberActivity({ id }: { id: string }) {
  const { t, date, month } = useI18n();
  const campaigns = useLoad(() => get('/v1/members/{id}/campaign-history', { id }), [id]);
  const entries = useLoad(() => get('/v1/members/{id}/sweepstakes-entries', { id }), [id]);
  return (
    <>
      <Section title={t('console.campaigns')} loaded={campaigns}>
        {(history) =>
          history.items.length === 0 ? (
            <p>{t('console.none')}</p>
          ) : (
            <ul>
              {history.items.map((h) => (
                <li key={h.id}>
                  {`${h.campaign} · ${h.role ?? '—'} · ${date(h.startedAt)}${h.endedAt ? ` – ${date(h.endedAt)}` : ''} · ${h.source}`}
                  {h.applicationId && <StatusHistory campaign={h.campaign} applicationId={h.applicationId} />}
                </li>
              ))}
            </ul>
          )
        }
      </Section>
      <Section title={t('console.sweepstakesEntries')} loaded={entries}>
        {(items) =>
          items.length === 0 ? (
            <p>{t('console.none')}</p>
          ) : (
            <ul>
              {items.map((e) => (
                <li key={e.id}>{`${e.sweepstakes} · ${month(e.period)} · ${e.prize} · ${t(`result.${e.result.status}`)}${e.exclusion ? ` · ${e.exclusion.reason}` : ''}`}</li>
              ))}
            </ul>
          )
        }
      </Section>
    </>
  );
}

/** Opened on demand: one request per application the operator looks at. */
function StatusHistory({ campaign, applicationId }: { campaign: string; applicationId: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('console.showHistory', { id: applicationId })}</summary>
      {open && <ApplicationHistory campaign={campaign} applicationId={applicationId} />}
    </details>
  );
}
