import { get, type Answer } from '../../api/client';
import { currentSession } from '../../api/session';
import { useI18n } from '../../i18n/i18n';
import { Loading, ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { useLoad } from '../../ui/use-load';
import { memberId } from '../member-session';
import { CampaignCard } from './campaign-card';

export type Campaign = Answer<'/v1/programs/{program}/campaigns'>['items'][number];
export type Contract = Answer<'/v1/members/{id}/contracts'>[number];

/** GG: the program's campaigns; for each, the member checks a line, chooses a benefit and applies. */
export function CampaignsPage() {
  const { t, date } = useI18n();
  const id = memberId();
  const session = currentSession();
  const program = session?.kind === 'member' ? session.program : '';
  const campaigns = useLoad(() => get('/v1/programs/{program}/campaigns', { program }), [program]);
  const contracts = useLoad(() => get('/v1/members/{id}/contracts', { id }), [id]);
  const history = useLoad(() => get('/v1/members/{id}/campaign-history', { id }), [id]);

  const lines = (contracts.data ?? []).filter((c) => c.status === 'active');
  return (
    <>
      <ScreenTitle>{t('campaigns.title')}</ScreenTitle>
      <ProblemMessage error={campaigns.error ?? contracts.error} />
      {(campaigns.loading || contracts.loading) && <Loading />}
      {campaigns.data?.items.length === 0 && <p>{t('campaigns.none')}</p>}
      {campaigns.data?.items.map((c) => (
        <CampaignCard key={c.id} campaign={c} lines={lines} onApplied={history.reload} />
      ))}
      <section aria-labelledby="applied-heading">
        <h2 id="applied-heading">{t('campaigns.mine')}</h2>
        {history.data?.items.length === 0 && <p>{t('campaigns.noneApplied')}</p>}
        <ul>
          {history.data?.items.map((h) => (
            <li key={h.id}>
              {h.campaign} · {h.role ?? ''} · {date(h.startedAt)}
              {h.endedAt && ` – ${date(h.endedAt)}`}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
