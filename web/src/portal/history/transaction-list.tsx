import type { Answer } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { kindLabel } from './transaction-reason';

type Transaction = Answer<'/v1/members/{id}/transactions'>['items'][number];

/** Ledger transactions, each with what happened, why, the change and the balance after. */
export function TransactionList({ items }: { items: Transaction[] }) {
  const { t, points, dateTime } = useI18n();
  if (items.length === 0) return <p>{t('history.empty')}</p>;
  return (
    <ol className="history">
      {items.map((item) => (
        <li key={item.id} data-testid="transaction">
          <div className="what">
            <strong>{t(kindLabel(item.kind))}</strong>
            <span className="why">{item.reason ?? t('history.noReason')}</span>
            <time dateTime={item.time}>{dateTime(item.time)}</time>
          </div>
          <div className="amounts">
            {item.points !== 0 && <span className={item.points < 0 ? 'minus' : 'plus'}>{(item.points > 0 ? '+' : '') + points(item.points)}</span>}
            {item.pendingPoints !== 0 && <span className="pending">{t('history.pendingChange', { points: points(item.pendingPoints) })}</span>}
            <span className="muted">{t('history.after', { points: points(item.balanceAfter) })}</span>
          </div>
        </li>
      ))}
    </ol>
  );
}
