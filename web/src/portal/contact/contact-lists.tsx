import type { Answer } from '../../api/client';
import { useI18n } from '../../i18n/i18n';

type Requests = Answer<'/v1/members/{id}/contact-requests'>['items'];
type Permissions = Answer<'/v1/members/{id}/contact-permissions'>['items'];

/** DN-3: every request with its status and dates. */
export function RequestTable({ items }: { items: Requests }) {
  const { t, date } = useI18n();
  if (items.length === 0) return <p>{t('contact.noRequests')}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('contact.receivedAt')}</th>
          <th scope="col">{t('contact.kind')}</th>
          <th scope="col">{t('contact.channel')}</th>
          <th scope="col">{t('contact.scope')}</th>
          <th scope="col">{t('contact.status')}</th>
          <th scope="col">{t('contact.effectiveAt')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.id} data-testid="contact-request">
            <td>{date(r.receivedAt)}</td>
            <td>{t(`contact.kind.${r.kind}` as 'contact.kind.opt_in')}</td>
            <td>{t(`contact.channel.${r.channel}` as 'contact.channel.web')}</td>
            <td>{t(`contact.scope.${r.scope}` as 'contact.scope.all')}</td>
            <td>{t(`contact.status.${r.status}`)}</td>
            <td>{r.effectiveAt ? date(r.effectiveAt) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** May we contact the member — by channel, purpose and scope — and what decided it. */
export function PermissionTable({ items }: { items: Permissions }) {
  const { t, date } = useI18n();
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('contact.channel')}</th>
          <th scope="col">{t('contact.purposeColumn')}</th>
          <th scope="col">{t('contact.scope')}</th>
          <th scope="col">{t('contact.allowed')}</th>
          <th scope="col">{t('contact.since')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((p) => (
          <tr key={`${p.channel}-${p.purpose}-${p.scope}`}>
            <td>{t(`contact.channel.${p.channel}` as 'contact.channel.web')}</td>
            <td>{p.purpose}</td>
            <td>{p.scope}</td>
            <td>{p.allowed ? t('common.yes') : t('common.no')}</td>
            <td>{p.since ? date(p.since) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
