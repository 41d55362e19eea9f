import { useState } from 'react';
import { get, type Answer } from '../../api/client';
import { currentSession } from '../../api/session';
import { useI18n } from '../../i18n/i18n';
import { Loading, ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { useLoad } from '../../ui/use-load';
import { memberId } from '../member-session';
import { usePortalInfo } from '../program-info';
import { RedeemFlow, type Choice } from './redeem-flow';

export type Reward = Answer<'/v1/programs/{program}/rewards'>['items'][number];

/** FL-3, FL-4, FL-6: the catalog and bill credit; choosing one starts the redemption flow. */
export function RewardsPage() {
  const { t, pick, points, money } = useI18n();
  const id = memberId();
  const session = currentSession();
  const program = session?.kind === 'member' ? session.program : '';
  const rewards = useLoad(() => get('/v1/programs/{program}/rewards', { program }), [program]);
  const balance = useLoad(() => get('/v1/members/{id}/balance', { id }), [id]);
  const info = usePortalInfo(program);
  const terms = info.data;
  const [choice, setChoice] = useState<Choice | null>(null);

  if (choice) return <RedeemFlow choice={choice} onClose={() => { setChoice(null); balance.reload(); rewards.reload(); }} />;
  return (
    <>
      <ScreenTitle>{t('rewards.title')}</ScreenTitle>
      {balance.data && <p className="lead">{t('rewards.youHave', { points: points(balance.data.available) })}</p>}
      <ProblemMessage error={rewards.error} />
      {rewards.loading && <Loading />}
      <ul className="tiles">
        {terms?.billCredit && (
          <li className="card">
            <h2>{t('rewards.billCredit')}</h2>
            <p>
              {t('rewards.billCreditText', {
                rate: `${points(terms.pointValue.points)} = ${money(terms.pointValue.amountMinor, terms.currency)}`,
                cap: points(terms.billCredit.monthlyCap),
              })}
            </p>
            <button type="button" onClick={() => setChoice({ kind: 'bill_credit' })}>
              {t('rewards.choose')}
              <span className="visually-hidden"> {t('rewards.billCredit')}</span>
            </button>
          </li>
        )}
        {rewards.data?.items.map((reward) => (
          <li key={reward.id} className="card">
            <h2>{pick(reward.names)}</h2>
            <p className="big">{points(reward.points)}</p>
            <p className="muted">
              {t(`reward.kind.${reward.kind}`)}
              {reward.stockLeft !== null && ` · ${t('rewards.stockLeft', { n: reward.stockLeft })}`}
            </p>
            <button type="button" disabled={reward.stockLeft === 0} onClick={() => setChoice({ kind: 'catalog', reward })}>
              {t('rewards.choose')}
              <span className="visually-hidden"> {pick(reward.names)}</span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
