import { useState, type FormEvent } from 'react';
import { ApiError, post } from '../../api/client';
import { saveSession } from '../../api/session';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate, useLocation } from '../../router';
import { Field } from '../../ui/field';
import { ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { programFromUrlOrMemory, rememberProgram } from '../program-choice';
import { usePortalInfo } from '../program-info';
import { challengeText } from './challenge-text';
import { deviceId } from './device-id';

/**
 * FL-1: log in with the email and password chosen at sign-up, from this browser's device id
 * (decision 72). While log-ins are challenged (F2), a device not known for the account needs a
 * code emailed to it, asked for here and sent with the password.
 */
export function LoginPage() {
  const { t, pick, locale } = useI18n();
  const { search } = useLocation();
  const [program, setProgram] = useState(() => programFromUrlOrMemory(search));
  const info = usePortalInfo(program);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<{ asked: boolean; code: string; sent: boolean }>({ asked: false, code: '', sent: false });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const words = challengeText(locale);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const code = challenge.code ? { loginCode: challenge.code } : {};
      const session = await post('/v1/auth/sessions', {}, { program, email, password, device: deviceId(), ...code });
      rememberProgram(program);
      saveSession({ kind: 'member', token: session.token, expiresAt: session.expiresAt, memberId: session.memberId ?? '', program });
      // Back to where the member was going (an emailed entry link), only ever a path of ours.
      const next = search.get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/');
    } catch (e) {
      if (e instanceof ApiError && e.code === 'login_challenge_required') setChallenge((c) => ({ ...c, asked: true }));
      else setError(e);
    } finally {
      setBusy(false);
    }
  };

  const sendCode = async () => {
    setError(undefined);
    try {
      await post('/v1/auth/login-codes', {}, { program, email });
      setChallenge((c) => ({ ...c, sent: true }));
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section className="narrow">
      <ScreenTitle>{t('login.title')}</ScreenTitle>
      {info.data && <p className="lead" data-testid="program-name">{pick(info.data.names)}</p>}
      <form onSubmit={submit}>
        <Field label={t('login.program')} hint={t('login.programHint')} value={program} onChange={(e) => setProgram(e.target.value)} required autoComplete="organization" />
        <Field label={t('login.email')} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" />
        <Field label={t('login.password')} type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
        {challenge.asked && (
          <div className="card inset" data-testid="login-challenge">
            <p>{words.why}</p>
            <button type="button" className="secondary" onClick={sendCode} disabled={!email}>
              {words.send}
            </button>
            {challenge.sent && <p role="status">{words.sent}</p>}
            <Field
              label={words.code}
              inputMode="numeric"
              pattern="[0-9]{8}"
              maxLength={8}
              value={challenge.code}
              onChange={(e) => setChallenge({ ...challenge, code: e.target.value.trim() })}
              autoComplete="one-time-code"
            />
          </div>
        )}
        <ProblemMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
      <p>
        <Link to="/signup">{t('login.toSignup')}</Link> · <Link to="/password-reset">{t('login.forgot')}</Link>
      </p>
      <p className="muted">
        <Link to="/console/login">{t('login.toConsole')}</Link>
      </p>
    </section>
  );
}
