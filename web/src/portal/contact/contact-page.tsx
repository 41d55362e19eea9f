import { get } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Loading, ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { useLoad } from '../../ui/use-load';
import { memberId } from '../member-session';
import { PermissionTable, RequestTable } from './contact-lists';
import { ContactRequestForm } from './contact-request-form';

/** DN: how the member may be contacted, their requests with status, and a new request. */
export function ContactPage() {
  const { t } = useI18n();
  const id = memberId();
  const permissions = useLoad(() => get('/v1/members/{id}/contact-permissions', { id }), [id]);
  const requests = useLoad(() => get('/v1/members/{id}/contact-requests', { id }), [id]);
  return (
    <>
      <ScreenTitle>{t('contact.title')}</ScreenTitle>
      <section aria-labelledby="permissions-heading">
        <h2 id="permissions-heading">{t('contact.permissions')}</h2>
        <ProblemMessage error={permissions.error} />
        {permissions.loading && <Loading />}
        {permissions.data && <PermissionTable items={permissions.data.items} />}
      </section>
      <section aria-labelledby="requests-heading">
        <h2 id="requests-heading">{t('contact.requests')}</h2>
        <ProblemMessage error={requests.error} />
        {requests.data && <RequestTable items={requests.data.items} />}
      </section>
      <section aria-labelledby="new-request-heading">
        <h2 id="new-request-heading">{t('contact.new')}</h2>
        <ContactRequestForm memberId={id} channel="web" onFiled={() => { requests.reload(); permissions.reload(); }} />
      </section>
    </>
  );
}
