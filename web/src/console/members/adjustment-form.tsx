import { useState, type FormEvent } from 'react';
import { newIdempotencyKey, post } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Field } from '../../ui/field';
import { ProblemMessage } from '../../ui/problem';

/** A hand adjustment always carries its reason: the member's history shows it. */
export function AdjustmentForm({ id, onDone }: { id: string; onDone(): void }) {
  const { t, points: formatPoints } = useI18n();
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>('');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setDone('');
    try {
      const result = await post('/v1/members/{id}/adjustments', { id }, { points: Number(points), reason }, { idempotencyKey: newIdempotencyKey() });
      setDone(t('console.adjusted', { points: formatPoints(result.points), balance: formatPoints(result.balance.available) }));
      setPoints('');
      setReason('');
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="adjust-heading">
      <h2 id="adjust-heading">{t('console.adjust')}</h2>
      <Field label={t('console.adjustPoints')} hint={t('console.adjustPointsHint')} type="number" inputMode="numeric" step={1} value={points} onChange={(e) => setPoints(e.target.value)} required />
      <Field label={t('console.reason')} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={500} />
      <ProblemMessage error={error} />
      {done && <p role="status">{done}</p>}
      <button type="submit">{t('console.adjustSubmit')}</button>
    </form>
  );
}
