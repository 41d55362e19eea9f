import { useState, type FormEvent } from 'react';
import { get, post, type Answer } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Field, Select } from '../../ui/field';
import { Loading, ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { useLoad } from '../../ui/use-load';

type Signup = Answer<'/v1/programs/{program}/signups'>['items'][number];

/** FL-1: easy sign-ups waiting for review, oldest first; each is compared with the member the operator names. */
export function SignupsPage() {
  const { t } = useI18n();
  const programs = useLoad(() => get('/v1/programs', {}), []);
  const [program, setProgram] = useState('');
  const chosen = program || programs.data?.[0]?.key || '';
  const signups = useLoad(async () => (chosen ? (await get('/v1/programs/{program}/signups', { program: chosen }, { limit: 50 })).items : []), [chosen]);
  const [outcomes, setOutcomes] = useState<string[]>([]);

  return (
    <>
      <ScreenTitle>{t('console.signups')}</ScreenTitle>
      <p className="muted">{t('console.signupsHint')}</p>
      <ProblemMessage error={programs.error} />
      <div className="card narrow">
        <Select label={t('login.program')} value={chosen} onChange={(e) => setProgram(e.target.value)}>
          {programs.data?.map((p) => <option key={p.key} value={p.key}>{p.name}</option>)}
        </Select>
      </div>
      {outcomes.length > 0 && (
        <ul role="status" data-testid="review-outcomes">
          {outcomes.map((o, i) => <li key={i}>{o}</li>)}
        </ul>
      )}
      <ProblemMessage error={signups.error} />
      {signups.loading && <Loading />}
      {signups.data && signups.data.length === 0 && <p>{t('console.none')}</p>}
      {signups.data?.map((s) => (
        <SignupReview key={s.id} program={chosen} signup={s} onReviewed={(text) => { setOutcomes((o) => [text, ...o]); signups.reload(); }} />
      ))}
    </>
  );
}

function SignupReview({ program, signup, onReviewed }: { program: string; signup: Signup; onReviewed(outcome: string): void }) {
  const { t, dateTime } = useI18n();
  // The member the applicant's phone names, found as support would search for it.
  const candidates = useLoad(async () => (signup.applicant ? (await get('/v1/programs/{program}/members', { program }, { query: signup.applicant.phone, limit: 5 })).items : []), [program, signup.id]);
  const [memberId, setMemberId] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const reviewed = await post('/v1/programs/{program}/signups/{signupId}/review', { program, signupId: signup.id }, { memberId: memberId.trim() });
      onReviewed(reviewed.status === 'active'
        ? t('console.reviewed.active', { email: reviewed.email })
        : t('console.reviewed.rejected', { email: reviewed.email, fields: (reviewed.mismatches ?? []).join(', ') }));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-label={signup.email} data-testid="signup">
      <dl className="pairs">
        <dt>{t('login.email')}</dt>
        <dd>{signup.email}</dd>
        <dt>{t('console.applicant')}</dt>
        <dd>{signup.applicant ? `${signup.applicant.name} · ${signup.applicant.phone}${signup.applicant.contractId ? ` · ${signup.applicant.contractId}` : ''}` : '—'}</dd>
        <dt>{t('console.at')}</dt>
        <dd>{dateTime(signup.createdAt)}</dd>
      </dl>
      {candidates.data && candidates.data.length > 0 && (
        <ul>
          {candidates.data.map((m) => (
            <li key={m.id}>
              <button type="button" className="link-button" onClick={() => setMemberId(m.id)}>{`${m.name ?? m.id} (${m.externalId}, ${m.id})`}</button>
            </li>
          ))}
        </ul>
      )}
      <Field label={t('console.signupMember', { email: signup.email })} value={memberId} onChange={(e) => setMemberId(e.target.value)} required pattern="mbr_[0-9a-z]+" />
      <ProblemMessage error={error} />
      <button type="submit">{t('console.review')}</button>
    </form>
  );
}
