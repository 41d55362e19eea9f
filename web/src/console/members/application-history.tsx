import { get } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Loading, ProblemMessage } from '../../ui/problem';
import { useLoad } from '../../ui/use-load';

/** GG: an application's statuses, oldest first, each with the reasons of the change (in the viewer's language). */
export function ApplicationHistory({ campaign, applicationId }: { campaign: string; applicationId: string }) {
  const { t, dateTime, pick } = useI18n();
  const application = useLoad(() => get('/v1/campaigns/{campaign}/applications/{applicationId}', { campaign, applicationId }), [campaign, applicationId]);
  if (application.loading) return <Loading />;
  if (!application.data) return <ProblemMessage error={application.error} />;
  return (
    <table data-testid="status-history">
      <caption>{t('console.statusHistory')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('contact.status')}</th>
          <th scope="col">{t('console.at')}</th>
          <th scope="col">{t('console.reasons')}</th>
        </tr>
      </thead>
      <tbody>
        {application.data.statusHistory.map((change, i) => (
          <tr key={i}>
            <td>{change.status}</td>
            <td>{dateTime(change.at)}</td>
            <td>{change.reasons.map((r) => pick(r.message)).join(' / ') || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
