import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/en';
import type { Liability } from './finance-page';

const columns: { key: 'openingOutstanding' | 'issued' | 'redeemed' | 'expired' | 'forfeited' | 'adjusted' | 'outstanding' | 'pending'; label: MessageKey }[] = [
  { key: 'openingOutstanding', label: 'finance.opening' },
  { key: 'issued', label: 'finance.issued' },
  { key: 'redeemed', label: 'finance.redeemed' },
  { key: 'expired', label: 'finance.expired' },
  { key: 'forfeited', label: 'finance.forfeited' },
  { key: 'adjusted', label: 'finance.adjusted' },
  { key: 'outstanding', label: 'finance.outstanding' },
  { key: 'pending', label: 'home.pending' },
];

/** The report's months, the breakage rate over them, and the points expiring by month. */
export function LiabilityTable({ report }: { report: Liability }) {
  const { t, number, month } = useI18n();
  const rate = report.breakageRate;
  return (
    <section className="card" aria-labelledby="liability-heading">
      <h2 id="liability-heading">{t('finance.table')}</h2>
      <div className="scroll">
        <table data-testid="liability">
          <thead>
            <tr>
              <th scope="col">{t('finance.month')}</th>
              {columns.map((c) => <th key={c.key} scope="col" className="num">{t(c.label)}</th>)}
            </tr>
          </thead>
          <tbody>
            {report.months.map((m) => (
              <tr key={m.month}>
                <th scope="row">{month(m.month)}{m.final ? '' : ' *'}</th>
                {columns.map((c) => <td key={c.key} className="num">{number(m[c.key])}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="hint">{t('finance.notFinal')}</p>
      <dl className="pairs">
        <dt>{t('finance.breakageRate')}</dt>
        <dd>{rate ? `${((rate.numerator / rate.denominator) * 100).toFixed(1)}% (${number(rate.numerator)} / ${number(rate.denominator)})` : '—'}</dd>
        <dt>{t('finance.neverExpiring')}</dt>
        <dd>{number(report.neverExpiring)}</dd>
      </dl>
      <h3>{t('home.expiring')}</h3>
      <ul>
        {report.expiring.map((e) => <li key={e.month}>{`${month(e.month)}: ${number(e.points)}`}</li>)}
      </ul>
    </section>
  );
}
