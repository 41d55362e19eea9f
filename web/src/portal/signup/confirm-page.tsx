import { useState, type FormEvent } from 'react';
import { get, post } from '../../api/client';
import { saveSession } from '../../api/session';
import { useI18n } from '../../i18n/i18n';
import { navigate } from '../../router';
import { Field } from '../../ui/field';
import { ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { rememberProgram } from '../program-choice';
import { deviceId } from '../login/device-id';

/** The emailed link's token rides in the fragment (#token=…), which browsers never send to a server. */
export function tokenFromHash(): string {
  return new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
}

/** FL-1: the end of a sign-up: choose the password; the account opens and the member is logged in. */
export function SignupConfirmPage() {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const result = await post('/v1/auth/signups/confirm', {}, { token: tokenFromHash(), password, device: deviceId() });
      if (result.status === 'pending_review') return setPending(true);
      saveSession({ kind: 'member', token: result.token, expiresAt: result.expiresAt, memberId: result.memberId, program: '' });
      const me = await get('/v1/me', {});
      const program = me.kind === 'member' ? me.member.program : '';
      rememberProgram(program);
      saveSession({ kind: 'member', token: result.token, expiresAt: result.expiresAt, memberId: result.memberId, program });
      history.replaceState(null, '', '/signup/confirm'); // the used token leaves the address bar
      navigate('/');
    } catch (e) {
      setError(e);
    }
  };

  if (pending) {
    return (
      <section className="narrow">
        <ScreenTitle>{t('confirm.pendingTitle')}</ScreenTitle>
        <p role="status">{t('confirm.pending')}</p>
      </section>
    );
  }
  return (
    <section className="narrow">
      <ScreenTitle>{t('confirm.title')}</ScreenTitle>
      <form onSubmit={submit}>
        <Field label={t('confirm.password')} hint={t('confirm.passwordHint')} type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={8} maxLength={128} autoComplete="new-password" />
        <ProblemMessage error={error} />
        <button type="submit">{t('confirm.submit')}</button>
      </form>
    </section>
  );
}
