import { useState } from 'react';
import { post, type Answer } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { memberId } from '../member-session';
import { formatAddress } from '../rewards/address-fields';
import type { Options } from './sweepstakes-page';

type Step = 'choose' | 'address' | 'submit' | 'done';
const steps: Step[] = ['choose', 'address', 'submit', 'done'];

/**
 * SU-6: choose one allowed prize, confirm the registered postal address the prize goes to, submit.
 * SU-13: an entry cannot be withdrawn, which the last step says before submitting.
 */
export function EnterFlow({ options, link, onClose }: { options: Options; link?: string | undefined; onClose(): void }) {
  const { t, pick, points } = useI18n();
  const id = memberId();
  const [step, setStep] = useState<Step>('choose');
  const [prize, setPrize] = useState<string>('');
  const [confirmed, setConfirmed] = useState(false);
  const [entry, setEntry] = useState<Answer<'/v1/sweepstakes/{key}/entries', 'post'> | null>(null);
  const [error, setError] = useState<unknown>();
  const chosen = options.prizes.find((p) => p.key === prize);

  const submit = async () => {
    setError(undefined);
    try {
      setEntry(await post('/v1/sweepstakes/{key}/entries', { key: options.sweepstakes }, { member: id, prize, ...(link ? { link } : {}) }));
      setStep('done');
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <ScreenTitle>{pick(options.names)}</ScreenTitle>
      <ol className="steps" aria-label={t('flow.progress')}>
        {steps.map((s) => (
          <li key={s} aria-current={s === step ? 'step' : undefined}>{t(`enter.${s}`)}</li>
        ))}
      </ol>
      {step === 'choose' && (
        <form className="card" onSubmit={(e) => { e.preventDefault(); setStep('address'); }}>
          <fieldset>
            <legend>{t('enter.choosePrize')}</legend>
            {options.prizes.map((p) => (
              <div key={p.key} className="choice-block">
                <label className="choice">
                  <input type="radio" name="prize" value={p.key} disabled={!p.allowed} checked={prize === p.key} onChange={() => setPrize(p.key)} required />
                  {pick(p.names)} ({points(p.points)})
                </label>
                {!p.allowed && <p className="hint">{p.reasons.map((r) => pick(r.message)).join(' ')}</p>}
              </div>
            ))}
          </fieldset>
          <div className="actions">
            <button type="button" className="secondary" onClick={onClose}>{t('common.back')}</button>
            <button type="submit" disabled={!prize}>{t('common.next')}</button>
          </div>
        </form>
      )}
      {step === 'address' && (
        <section className="card">
          <h2>{t('enter.address')}</h2>
          {options.postalAddress ? (
            <>
              <p data-testid="entry-address">{formatAddress(options.postalAddress)}</p>
              <label className="choice">
                <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
                {t('enter.addressConfirm')}
              </label>
            </>
          ) : (
            <p role="alert">{t('enter.noAddress')}</p>
          )}
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setStep('choose')}>{t('common.back')}</button>
            <button type="button" disabled={!confirmed} onClick={() => setStep('submit')}>{t('common.next')}</button>
          </div>
        </section>
      )}
      {step === 'submit' && (
        <section className="card">
          <h2>{t('enter.submit')}</h2>
          <dl className="pairs">
            <dt>{t('sweepstakes.prize')}</dt>
            <dd>{chosen ? pick(chosen.names) : prize}</dd>
            <dt>{t('enter.address')}</dt>
            <dd>{formatAddress(options.postalAddress)}</dd>
          </dl>
          <p className="hint">{pick(options.dataUse)}</p>
          <p>{t('enter.final')}</p>
          <ProblemMessage error={error} />
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setStep('address')}>{t('common.back')}</button>
            <button type="button" onClick={submit}>{t('enter.send')}</button>
          </div>
        </section>
      )}
      {step === 'done' && entry && (
        <section className="card">
          <div role="status">
            <h2>{t('enter.done')}</h2>
          </div>
          {entry.participationReward && <p>{t('enter.participation', { points: points(entry.participationReward.points) })}</p>}
          <Link to="/sweepstakes" onClick={onClose}>{t('sweepstakes.myEntries')}</Link>
        </section>
      )}
    </>
  );
}
