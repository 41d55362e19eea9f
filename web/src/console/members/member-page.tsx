import { ApiError, get } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { TransactionList } from '../../portal/history/transaction-list';
import { formatAddress } from '../../portal/rewards/address-fields';
import { Loading, ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { useLoad } from '../../ui/use-load';
import { may } from '../roles';
import { AdjustmentForm } from './adjustment-form';
import { MemberActivity } from './member-activity';
import { MemberConsent } from './member-consent';
import { MemberPoints } from './member-points';

/** One member as support sees them: profile, contracts, points, campaigns, entries, consent; adjustments. */
export function MemberPage({ id, role }: { id: string; role: string }) {
  const { t, date } = useI18n();
  const member = useLoad(() => get('/v1/members/{id}', { id }), [id]);
  const transactions = useLoad(() => get('/v1/members/{id}/transactions', { id }, { limit: 20 }), [id]);

  if (member.loading) return <Loading />;
  if (member.error instanceof ApiError && member.error.status === 404) {
    return (
      <>
        <ScreenTitle>{t('notFound.title')}</ScreenTitle>
        <p role="alert">{t('console.noMember', { id })}</p>
      </>
    );
  }
  const m = member.data;
  return (
    <>
      <ScreenTitle>{m?.name ?? id}</ScreenTitle>
      <ProblemMessage error={member.error} />
      {m && (
        <section className="card" aria-labelledby="profile-heading">
          <h2 id="profile-heading">{t('console.profile')}</h2>
          <dl className="pairs">
            <dt>{t('console.memberId')}</dt>
            <dd>{m.id}</dd>
            <dt>{t('signup.customerId')}</dt>
            <dd>{m.externalId}</dd>
            <dt>{t('login.program')}</dt>
            <dd>{m.program}</dd>
            <dt>{t('login.email')}</dt>
            <dd>{m.email ?? '—'}</dd>
            <dt>{t('signup.phone')}</dt>
            <dd>{m.phone ?? '—'}</dd>
            <dt>{t('address.legend')}</dt>
            <dd>{formatAddress(m.postalAddress) || '—'}</dd>
            <dt>{t('console.joinedAt')}</dt>
            <dd>{date(m.joinedAt)}</dd>
          </dl>
        </section>
      )}
      <MemberPoints id={id} role={role} reloadKey={transactions.data} onChange={transactions.reload} />
      {may(role, 'adjust') && <AdjustmentForm id={id} onDone={transactions.reload} />}
      <section className="card" aria-labelledby="tx-heading">
        <h2 id="tx-heading">{t('history.title')}</h2>
        <ProblemMessage error={transactions.error} />
        {transactions.data && <TransactionList items={transactions.data.items} />}
      </section>
      <MemberActivity id={id} />
      <MemberConsent id={id} role={role} />
    </>
  );
}
