import { useState, type FormEvent } from 'react';
import { post } from '../../api/client';
import { saveSession } from '../../api/session';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate, useLocation } from '../../router';
import { Field } from '../../ui/field';
import { ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { programFromUrlOrMemory, rememberProgram } from '../program-choice';
import { usePortalInfo } from '../program-info';

/** FL-1: log in with the email and password chosen at sign-up. */
export function LoginPage() {
  const { t, pick } = useI18n();
  const { search } = useLocation();
  const [program, setProgram] = useState(() => programFromUrlOrMemory(search));
  const info = usePortalInfo(program);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await post('/v1/auth/sessions', {}, { program, email, password });
      rememberProgram(program);
      saveSession({ kind: 'member', token: session.token, expiresAt: session.expiresAt, memberId: session.memberId ?? '', program });
      // Back to where the member was going (an emailed entry link), only ever a path of ours.
      const next = search.get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
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
