import { useState, type FormEvent } from 'react';
import { post } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Link, useLocation } from '../../router';
import { Field } from '../../ui/field';
import { ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { programFromUrlOrMemory } from '../program-choice';
import { tokenFromHash } from './confirm-page';

/** F4: ask for a reset link by email; the link (#token=…) comes back here to set the new password. */
export function PasswordResetPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const token = tokenFromHash();
  const [program] = useState(() => programFromUrlOrMemory(search));
  const [value, setValue] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      if (token) await post('/v1/auth/password-resets/confirm', {}, { token, password: value });
      else await post('/v1/auth/password-resets', {}, { program, email: value });
      setDone(true);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section className="narrow">
      <ScreenTitle>{t('reset.title')}</ScreenTitle>
      {done ? (
        <p role="status">
          {t(token ? 'reset.changed' : 'reset.sent')} <Link to="/login">{t('login.title')}</Link>
        </p>
      ) : (
        <form onSubmit={submit}>
          {token ? (
            <Field label={t('confirm.password')} hint={t('confirm.passwordHint')} type="password" value={value} onChange={(e) => setValue(e.target.value)} required autoComplete="new-password" />
          ) : (
            <Field label={t('login.email')} type="email" value={value} onChange={(e) => setValue(e.target.value)} required autoComplete="email" />
          )}
          <ProblemMessage error={error} />
          <button type="submit">{t('reset.submit')}</button>
        </form>
      )}
    </section>
  );
}
