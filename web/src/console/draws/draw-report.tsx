import { useState } from 'react';
import { get } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { useLoad } from '../../ui/use-load';
import { Section } from '../members/section';
import { verifyDraw, type Problem } from './verify-draw';

/** A draw's report: per prize, entries, winners, alternates and exclusions; the seed; a check of it all. */
export function DrawReport({ sweepstakesKey: key, drawId, entries }: { sweepstakesKey: string; drawId: string; entries: { id: string; prize: string }[] | null }) {
  const { t, dateTime, number } = useI18n();
  const report = useLoad(() => get('/v1/sweepstakes/{key}/draws/{drawId}', { key, drawId }), [key, drawId]);
  const [verdict, setVerdict] = useState<Problem[] | null>(null);

  const verify = async () => {
    if (!report.data || !entries) return;
    setVerdict(await verifyDraw(report.data, entries));
  };
  return (
    <Section title={t('console.report')} loaded={report}>
      {(r) => (
        <>
          <p role="status" data-testid="draw-report">{t('console.drawnAt', { at: dateTime(r.drawnAt), by: r.drawnBy })}</p>
          <div className="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('sweepstakes.prize')}</th>
                  <th scope="col" className="num">{t('console.entries')}</th>
                  <th scope="col">{t('console.winners')}</th>
                  <th scope="col">{t('console.alternates')}</th>
                  <th scope="col">{t('console.excluded')}</th>
                </tr>
              </thead>
              <tbody>
                {r.tiers.map((tier) => (
                  <tr key={tier.prize}>
                    <th scope="row">{tier.prize}</th>
                    <td className="num">{number(tier.entries)}</td>
                    <td>{tier.winners.map((w) => w.member).join(', ') || '—'}</td>
                    <td>{tier.alternates.map((w) => w.member).join(', ') || '—'}</td>
                    <td>{tier.excluded.map((e) => `${e.member} (${e.exclusion})`).join(', ') || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <dl className="pairs">
            <dt>{t('console.seed')}</dt>
            <dd className="mono">{r.seed}</dd>
            <dt>{t('console.commitment')}</dt>
            <dd className="mono">{r.commitment}</dd>
            <dt>{t('console.algorithm')}</dt>
            <dd>{r.algorithm}</dd>
          </dl>
          {entries ? (
            <button type="button" className="secondary" onClick={verify}>{t('console.verify')}</button>
          ) : (
            <p className="muted">{t('console.verifyNeedsEntries')}</p>
          )}
          {verdict && (
            <p role="status" data-testid="verify-result" className={verdict.length === 0 ? 'ok' : 'problem'}>
              {verdict.length === 0 ? t('console.verified') : verdict.map((p) => t(`console.verify.${p.code}`, { prize: 'prize' in p ? p.prize : '' })).join(' ')}
            </p>
          )}
        </>
      )}
    </Section>
  );
}
