import { useId, useState, type FormEvent } from 'react';
import { newIdempotencyKey, post } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Field } from '../../ui/field';
import { ProblemMessage } from '../../ui/problem';

/** SR-5: gives back the points of a checkout payment (all that is left, or some); the ledger reverses that much. */
export function RefundForm({ memberId, redemptionId, onDone }: { memberId: string; redemptionId: string; onDone(): void }) {
  const { t, points: formatPoints } = useI18n();
  const [points, setPoints] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  // One key per intended refund: a retry of this submission is answered, never refunded twice.
  const [key, setKey] = useState(newIdempotencyKey);
  const labelId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const body = points ? { points: Number(points) } : {};
      const receipt = await post('/v1/members/{id}/redemptions/{redemptionId}/refunds', { id: memberId, redemptionId }, body, { idempotencyKey: key });
      setDone(t('console.refunded', { points: formatPoints(receipt.points) }));
      setPoints('');
      setKey(newIdempotencyKey());
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form onSubmit={submit} className="inline-form" aria-labelledby={labelId}>
      <span id={labelId} className="visually-hidden">{`${t('console.refund')} ${redemptionId}`}</span>
      <Field label={t('console.refundPoints')} type="number" inputMode="numeric" min={1} step={1} value={points} onChange={(e) => setPoints(e.target.value)} />
      <button type="submit" className="secondary">{t('console.refund')}</button>
      <ProblemMessage error={error} />
      {done && <p role="status">{done}</p>}
    </form>
  );
}
