import { get } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { BarChart } from '../../ui/bar-chart';
import { Loading, ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { useLoad } from '../../ui/use-load';
import { TransactionList } from '../history/transaction-list';
import { memberId } from '../member-session';
import { expiringByMonth, lastValidDay } from './expiring';

/** The member's points: available, pending (SR-3), expiring by date and by month, latest history. */
export function HomePage() {
  const { t, points, date, month } = useI18n();
  const id = memberId();
  const member = useLoad(() => get('/v1/members/{id}', { id }), [id]);
  const balance = useLoad(() => get('/v1/members/{id}/balance', { id }), [id]);
  const recent = useLoad(() => get('/v1/members/{id}/transactions', { id }, { limit: 5 }), [id]);
  const status = useLoad(() => get('/v1/members/{id}/status', { id }), [id]);

  const b = balance.data;
  const months = b ? expiringByMonth(b.expiring) : [];
  return (
    <>
      <ScreenTitle>{member.data?.name ? t('home.titleNamed', { name: member.data.name }) : t('home.title')}</ScreenTitle>
      <ProblemMessage error={balance.error ?? member.error} />
      {balance.loading && <Loading />}
      {b && (
        <section aria-labelledby="balance-heading" className="card balance">
          <h2 id="balance-heading">{t('home.balance')}</h2>
          <p className="big" data-testid="available">{points(b.available)}</p>
          <dl className="pairs">
            <dt>{t('home.pending')}</dt>
            <dd data-testid="pending">{points(b.pending)}</dd>
            {status.data?.tier && (
              <>
                <dt>{t('home.tier')}</dt>
                <dd>{status.data.tier}</dd>
              </>
            )}
          </dl>
          <p className="hint">{t('home.pendingHint')}</p>
        </section>
      )}
      {b && (
        <section aria-labelledby="expiring-heading" className="card">
          <h2 id="expiring-heading">{t('home.expiring')}</h2>
          {b.expiring.length === 0 ? (
            <p>{t('home.noneExpiring')}</p>
          ) : (
            <>
              <BarChart title={t('home.expiringChart')} bars={months.map((m) => ({ label: month(m.month), value: m.points, text: points(m.points) }))} />
              <table>
                <caption className="visually-hidden">{t('home.expiring')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('home.expiresOn')}</th>
                    <th scope="col" className="num">{t('home.points')}</th>
                  </tr>
                </thead>
                <tbody>
                  {b.expiring.map((lot) => (
                    <tr key={lot.expiresAt}>
                      <td>{date(lastValidDay(lot.expiresAt))}</td>
                      <td className="num">{points(lot.points)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
      )}
      <section aria-labelledby="recent-heading" className="card">
        <h2 id="recent-heading">{t('home.recent')}</h2>
        <ProblemMessage error={recent.error} />
        {recent.data && <TransactionList items={recent.data.items} />}
        <p>
          <Link to="/history">{t('home.allHistory')}</Link>
        </p>
      </section>
    </>
  );
}
