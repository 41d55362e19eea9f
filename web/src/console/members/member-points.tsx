import { get } from '../../api/client';
import { lastValidDay } from '../../portal/home/expiring';
import { useI18n } from '../../i18n/i18n';
import { useLoad } from '../../ui/use-load';
import { may } from '../roles';
import { RefundForm } from './refund-form';
import { Section } from './section';

/** Balance, pending points and the lots still valid by expiry; contracts; redemptions, with SR-5 refunds of checkout payments. */
export function MemberPoints({ id, role, reloadKey, onChange }: { id: string; role: string; reloadKey: unknown; onChange(): void }) {
  const { t, points, date, money, month } = useI18n();
  const balance = useLoad(() => get('/v1/members/{id}/balance', { id }), [id, reloadKey]);
  const contracts = useLoad(() => get('/v1/members/{id}/contracts', { id }), [id]);
  const redemptions = useLoad(() => get('/v1/members/{id}/redemptions', { id }, { limit: 20 }), [id, reloadKey]);
  return (
    <>
      <Section title={t('home.balance')} loaded={balance}>
        {(b) => (
          <>
            <dl className="pairs">
              <dt>{t('home.available')}</dt>
              <dd data-testid="console-available">{points(b.available)}</dd>
              <dt>{t('home.pending')}</dt>
              <dd>{points(b.pending)}</dd>
            </dl>
            <table>
              <caption>{t('console.lots')}</caption>
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
      </Section>
      <Section title={t('console.contracts')} loaded={contracts}>
        {(items) =>
          items.length === 0 ? (
            <p>{t('console.none')}</p>
          ) : (
            <ul>
              {items.map((c) => (
                <li key={c.id}>{`${c.id} · ${c.type}${c.plan ? ` / ${c.plan}` : ''} · ${c.status} · ${date(c.startedAt)}`}</li>
              ))}
            </ul>
          )
        }
      </Section>
      <Section title={t('console.redemptions')} loaded={redemptions}>
        {(page) =>
          page.items.length === 0 ? (
            <p>{t('console.none')}</p>
          ) : (
            <ul>
              {page.items.map((r) => (
                <li key={r.id} data-testid="redemption">
                  {`${date(r.createdAt)} · ${r.kind} · ${points(r.points)} · ${money(r.value.amountMinor, r.value.currency)}${r.billingMonth ? ` · ${month(r.billingMonth)}` : ''}${r.orderId ? ` · ${r.orderId}` : ''}`}
                  {r.refundedPoints > 0 && ` · ${t('console.refundedSoFar', { points: points(r.refundedPoints) })}`}
                  {r.kind === 'checkout' && r.refundedPoints < r.points && may(role, 'refund') && <RefundForm memberId={id} redemptionId={r.id} onDone={onChange} />}
                </li>
              ))}
            </ul>
          )
        }
      </Section>
    </>
  );
}
