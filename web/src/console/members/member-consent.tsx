import { get } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { PermissionTable, RequestTable } from '../../portal/contact/contact-lists';
import { ContactRequestForm } from '../../portal/contact/contact-request-form';
import { useLoad } from '../../ui/use-load';
import { may } from '../roles';
import { Section } from './section';

/** Contact requests and permissions; DN-1: support records a request taken by phone. */
export function MemberConsent({ id, role }: { id: string; role: string }) {
  const { t } = useI18n();
  const requests = useLoad(() => get('/v1/members/{id}/contact-requests', { id }), [id]);
  const permissions = useLoad(() => get('/v1/members/{id}/contact-permissions', { id }), [id]);
  return (
    <>
      <Section title={t('console.contactRequests')} loaded={requests}>
        {(page) => <RequestTable items={page.items} />}
      </Section>
      <Section title={t('console.contactPermissions')} loaded={permissions}>
        {(page) => <PermissionTable items={page.items} />}
      </Section>
      {may(role, 'takeRequest') && (
        <section className="card" aria-labelledby="phone-request-heading">
          <h2 id="phone-request-heading">{t('contact.phoneForm')}</h2>
          <ContactRequestForm memberId={id} channel="phone" onFiled={() => { requests.reload(); permissions.reload(); }} />
        </section>
      )}
    </>
  );
}
