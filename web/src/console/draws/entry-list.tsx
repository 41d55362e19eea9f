import { useState, type FormEvent } from 'react';
import { post, type Answer } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { Field } from '../../ui/field';
import { ProblemMessage } from '../../ui/problem';

type Entry = Answer<'/v1/sweepstakes/{key}/entries'>['items'][number];

/**
 * SU-12: the period's entries, and for marketing a way to exclude one (a suspected duplicate
 * person, fraud) with its reason. An exclusion is recorded once; a draw already run keeps its result.
 */
export function EntryList({ sweepstakesKey, entries, canExclude, onExcluded }: { sweepstakesKey: string; entries: Entry[]; canExclude: boolean; onExcluded(): void }) {
  const { t, dateTime } = useI18n();
  return (
    <section className="card" aria-labelledby="entry-list-heading">
      <h2 id="entry-list-heading">{t('console.entryList')}</h2>
      <div className="scroll">
        <table data-testid="entry-list">
          <thead>
            <tr>
              <th scope="col">{t('console.entryId')}</th>
              <th scope="col">{t('console.member')}</th>
              <th scope="col">{t('console.prize')}</th>
              <th scope="col">{t('console.at')}</th>
              <th scope="col">{t('console.excluded')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td className="mono">{e.id}</td>
                <td><Link to={`/console/members/${e.memberId}`}>{e.memberId}</Link></td>
                <td>{e.prize}</td>
                <td>{dateTime(e.enteredAt)}</td>
                <td>
                  {e.exclusion
                    ? t('console.excludedBy', { reason: e.exclusion.reason })
                    : canExclude && <ExcludeForm sweepstakesKey={sweepstakesKey} entryId={e.id} onDone={onExcluded} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ExcludeForm({ sweepstakesKey, entryId, onDone }: { sweepstakesKey: string; entryId: string; onDone(): void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await post('/v1/sweepstakes/{key}/entries/{entryId}/exclusion', { key: sweepstakesKey, entryId }, { reason });
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form onSubmit={submit} className="inline-form">
      <Field label={t('console.excludeReason', { id: entryId })} value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={500} />
      <button type="submit" className="secondary">{t('console.exclude')}</button>
      <ProblemMessage error={error} />
    </form>
  );
}
