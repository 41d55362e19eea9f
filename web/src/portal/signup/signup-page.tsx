import { useState, type FormEvent } from 'react';
import { post, type RequestBody } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { useLocation } from '../../router';
import { Field } from '../../ui/field';
import { ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { programFromUrlOrMemory, rememberProgram } from '../program-choice';
import { usePortalInfo } from '../program-info';

type Kind = 'access_key' | 'registered_email' | 'easy';

const allKinds: readonly Kind[] = ['access_key', 'registered_email', 'easy'];

/**
 * FL-1 sign-up, in the ways the program offers (GET /v1/programs/{program}/portal): the activation
 * letter's customer id and access key, the email on record, or name, phone and email checked later
 * by an operator. Each ends with an emailed link to choose the password (/signup/confirm).
 */
export function SignupPage() {
  const { t, locale, pick } = useI18n();
  const { search } = useLocation();
  const [program, setProgram] = useState(() => programFromUrlOrMemory(search));
  const info = usePortalInfo(program);
  // Until the program is known, every kind is shown; the API refuses a kind the program does not offer.
  const offered = info.data ? info.data.signUp : allKinds;
  const [chosenKind, setKind] = useState<Kind | null>(null);
  const kind: Kind = chosenKind !== null && offered.includes(chosenKind) ? chosenKind : (offered[0] ?? 'access_key');
  const [fields, setFields] = useState({ customerId: '', accessKey: '', email: '', name: '', phone: '', contractId: '' });
  const [error, setError] = useState<unknown>();
  const [sent, setSent] = useState(false);
  const set = (name: keyof typeof fields) => (e: { target: { value: string } }) => setFields({ ...fields, [name]: e.target.value });

  const body = (): RequestBody<'/v1/auth/signups'> => {
    if (kind === 'access_key') return { program, kind, customerId: fields.customerId, accessKey: fields.accessKey, email: fields.email, locale };
    if (kind === 'registered_email') return { program, kind, customerId: fields.customerId, locale };
    return { program, kind, name: fields.name, phone: fields.phone, email: fields.email, locale, ...(fields.contractId ? { contractId: fields.contractId } : {}) };
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await post('/v1/auth/signups', {}, body());
      rememberProgram(program);
      setSent(true);
    } catch (e) {
      setError(e);
    }
  };

  if (sent) {
    return (
      <section className="narrow">
        <ScreenTitle>{t('signup.sentTitle')}</ScreenTitle>
        <p role="status">{t('signup.sent')}</p>
      </section>
    );
  }
  return (
    <section className="narrow">
      <ScreenTitle>{t('signup.title')}</ScreenTitle>
      {info.data && <p className="lead" data-testid="program-name">{pick(info.data.names)}</p>}
      {info.data && offered.length === 0 && <p role="status">{t('signup.noneOffered')}</p>}
      <form onSubmit={submit}>
        <Field label={t('login.program')} hint={t('login.programHint')} value={program} onChange={(e) => setProgram(e.target.value)} required />
        <fieldset>
          <legend>{t('signup.how')}</legend>
          {offered.map((k) => (
            <label key={k} className="choice">
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
              {t(`signup.kind.${k}`)}
            </label>
          ))}
        </fieldset>
        {kind !== 'easy' && <Field label={t('signup.customerId')} value={fields.customerId} onChange={set('customerId')} required />}
        {kind === 'access_key' && <Field label={t('signup.accessKey')} value={fields.accessKey} onChange={set('accessKey')} required autoComplete="off" />}
        {kind === 'easy' && <Field label={t('signup.name')} value={fields.name} onChange={set('name')} required autoComplete="name" />}
        {kind === 'easy' && <Field label={t('signup.phone')} type="tel" value={fields.phone} onChange={set('phone')} required autoComplete="tel" />}
        {kind !== 'registered_email' && <Field label={t('login.email')} type="email" value={fields.email} onChange={set('email')} required autoComplete="email" />}
        {kind === 'easy' && <Field label={t('signup.contractId')} value={fields.contractId} onChange={set('contractId')} />}
        <ProblemMessage error={error} />
        <button type="submit">{t('signup.submit')}</button>
      </form>
    </section>
  );
}
