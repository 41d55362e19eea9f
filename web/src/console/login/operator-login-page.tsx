import { useState, type FormEvent } from 'react';
import { get, post } from '../../api/client';
import { saveSession } from '../../api/session';
import { useI18n } from '../../i18n/i18n';
import { navigate } from '../../router';
import { Field } from '../../ui/field';
import { ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';

/** Operator log-in (support, marketing, finance, admin); the role comes from /v1/me. */
export function OperatorLoginPage() {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const session = await post('/v1/auth/operator-sessions', {}, { email, password });
      const partial = { kind: 'operator' as const, token: session.token, expiresAt: session.expiresAt, operatorId: session.operatorId ?? '', role: '', email };
      saveSession(partial);
      const me = await get('/v1/me', {});
      saveSession({ ...partial, role: me.kind === 'operator' ? me.operator.role : '' });
      navigate(me.kind === 'operator' && me.operator.role === 'marketing' ? '/console/draws' : '/console');
    } catch (e) {
      saveSession(null);
      setError(e);
    }
  };

  return (
    <section className="narrow">
      <ScreenTitle>{t('console.login')}</ScreenTitle>
      <form onSubmit={submit}>
        <Field label={t('login.email')} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" />
        <Field label={t('login.password')} type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
        <ProblemMessage error={error} />
        <button type="submit">{t('login.submit')}</button>
      </form>
    </section>
  );
}
