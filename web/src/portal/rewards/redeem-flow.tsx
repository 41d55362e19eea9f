import { useState, type FormEvent } from 'react';
import { ApiError, get, newIdempotencyKey, post, type Answer, type RequestBody } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Field } from '../../ui/field';
import { ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { useLoad } from '../../ui/use-load';
import { memberId } from '../member-session';
import { AddressFields, formatAddress, type PostalAddress } from './address-fields';
import type { Reward } from './rewards-page';

export type Choice = { kind: 'bill_credit' } | { kind: 'catalog'; reward: Reward };
type Step = 'agree' | 'form' | 'confirm' | 'done';
type Receipt = Answer<'/v1/members/{id}/redemptions', 'post'>;
const steps: Step[] = ['agree', 'form', 'confirm', 'done'];

/**
 * FL-6: choose (the page before), agree to the terms, fill in the form, confirm, done — with the
 * balance after. FL-5: when the API asks for a step-up, a one-time key is emailed and asked for.
 */
export function RedeemFlow({ choice, onClose }: { choice: Choice; onClose(): void }) {
  const { t, pick, points, money, month } = useI18n();
  const id = memberId();
  const member = useLoad(() => get('/v1/members/{id}', { id }), [id]);
  // FL-4: the step, the month's cap and what is used of it, as the cap's own counter has it.
  const billCredit = useLoad(async () => (choice.kind === 'bill_credit' ? get('/v1/members/{id}/bill-credit', { id }) : null), [id, choice.kind]);
  const usage = billCredit.data;
  const [step, setStep] = useState<Step>('agree');
  const [agreed, setAgreed] = useState(false);
  const [billPoints, setBillPoints] = useState('');
  const [address, setAddress] = useState<PostalAddress | null>(null);
  const [stepUp, setStepUp] = useState<{ asked: boolean; newDevice?: boolean; key: string; sentAt?: string }>({ asked: false, key: '' });
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const shipped = choice.kind === 'catalog' && choice.reward.shipping === 'required';
  const shipTo = address ?? member.data?.postalAddress ?? { postalCode: '', line1: '' };
  const title = choice.kind === 'bill_credit' ? t('rewards.billCredit') : pick(choice.reward.names);

  const request = (): RequestBody<'/v1/members/{id}/redemptions'> => {
    const key = stepUp.key ? { stepUpKey: stepUp.key } : {};
    if (choice.kind === 'bill_credit') return { kind: 'bill_credit', points: Number(billPoints), ...key };
    return { kind: 'catalog', rewardId: choice.reward.id, ...(shipped ? { shippingAddress: shipTo } : {}), ...key };
  };

  const redeem = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setReceipt(await post('/v1/members/{id}/redemptions', { id }, request(), { idempotencyKey: newIdempotencyKey() }));
      setStep('done');
    } catch (e) {
      if (e instanceof ApiError && e.code === 'step_up_required') setStepUp((s) => ({ ...s, asked: true, newDevice: e.params.newDevice === true }));
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const sendKey = async () => {
    setError(undefined);
    try {
      const issued = await post('/v1/members/{id}/step-up-keys', { id }, undefined as never);
      setStepUp((s) => ({ ...s, sentAt: issued.expiresAt }));
    } catch (e) {
      setError(e);
    }
  };

  const next = (event: FormEvent) => {
    event.preventDefault();
    setStep(step === 'agree' ? 'form' : 'confirm');
  };

  return (
    <>
      <ScreenTitle>{title}</ScreenTitle>
      <ol className="steps" aria-label={t('flow.progress')}>
        {steps.map((s) => (
          <li key={s} aria-current={s === step ? 'step' : undefined}>
            {t(`flow.${s}`)}
          </li>
        ))}
      </ol>
      {step === 'agree' && (
        <form onSubmit={next} className="card">
          <h2>{t('flow.agree')}</h2>
          <ul>
            <li>{t('terms.final')}</li>
            <li>{t(choice.kind === 'bill_credit' ? 'terms.billCredit' : shipped ? 'terms.shipped' : 'terms.service')}</li>
          </ul>
          <label className="choice">
            <input type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} required />
            {t('terms.agree')}
          </label>
          <div className="actions">
            <button type="button" className="secondary" onClick={onClose}>{t('common.back')}</button>
            <button type="submit" disabled={!agreed}>{t('common.next')}</button>
          </div>
        </form>
      )}
      {step === 'form' && (
        <form onSubmit={next} className="card">
          <h2>{t('flow.form')}</h2>
          {choice.kind === 'bill_credit' && (
            <Field
              label={t('redeem.points')}
              hint={usage ? t('redeem.billCreditTerms', { step: points(usage.step), cap: points(usage.monthlyCap), month: month(usage.billingMonth), used: points(usage.used), left: points(usage.left) }) : t('redeem.pointsHint')}
              type="number"
              inputMode="numeric"
              min={usage?.step ?? 1}
              step={usage?.step ?? 1}
              value={billPoints}
              onChange={(e) => setBillPoints(e.target.value)}
              required
            />
          )}
          {shipped && <AddressFields value={shipTo} onChange={setAddress} />}
          {choice.kind === 'catalog' && !shipped && <p>{t('redeem.nothingToFill')}</p>}
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setStep('agree')}>{t('common.back')}</button>
            <button type="submit">{t('common.next')}</button>
          </div>
        </form>
      )}
      {step === 'confirm' && (
        <section className="card" aria-labelledby="confirm-heading">
          <h2 id="confirm-heading">{t('flow.confirm')}</h2>
          <dl className="pairs">
            <dt>{t('redeem.what')}</dt>
            <dd>{title}</dd>
            <dt>{t('redeem.points')}</dt>
            <dd>{points(choice.kind === 'bill_credit' ? Number(billPoints) : choice.reward.points)}</dd>
            {shipped && (
              <>
                <dt>{t('address.legend')}</dt>
                <dd>{formatAddress(shipTo)}</dd>
              </>
            )}
          </dl>
          {stepUp.asked && (
            <div className="card inset">
              <p>{t(stepUp.newDevice ? 'stepUp.whyNewDevice' : 'stepUp.why')}</p>
              <button type="button" className="secondary" onClick={sendKey}>{t('stepUp.send')}</button>
              {stepUp.sentAt && <p role="status">{t('stepUp.sent')}</p>}
              <Field label={t('stepUp.key')} inputMode="numeric" pattern="[0-9]{6}" maxLength={6} value={stepUp.key} onChange={(e) => setStepUp({ ...stepUp, key: e.target.value.trim() })} autoComplete="one-time-code" />
            </div>
          )}
          <ProblemMessage error={error} />
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setStep('form')}>{t('common.back')}</button>
            <button type="button" onClick={redeem} disabled={busy}>{t('redeem.submit')}</button>
          </div>
        </section>
      )}
      {step === 'done' && receipt && (
        <section className="card" aria-labelledby="done-heading">
          <div role="status">
            <h2 id="done-heading">{t('redeem.done')}</h2>
          </div>
          <dl className="pairs">
            <dt>{t('redeem.points')}</dt>
            <dd>{points(receipt.points)}</dd>
            <dt>{t('redeem.value')}</dt>
            <dd>{money(receipt.value.amountMinor, receipt.value.currency)}</dd>
            {receipt.billingMonth && (
              <>
                <dt>{t('redeem.billingMonth')}</dt>
                <dd>{month(receipt.billingMonth)}</dd>
              </>
            )}
            <dt>{t('redeem.balanceAfter')}</dt>
            <dd data-testid="balance-after">{points(receipt.balance.available)}</dd>
          </dl>
          <button type="button" onClick={onClose}>{t('redeem.again')}</button>
        </section>
      )}
    </>
  );
}
