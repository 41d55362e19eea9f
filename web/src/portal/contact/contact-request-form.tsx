import { useState, type FormEvent } from 'react';
import { newIdempotencyKey, post, type Answer, type RequestBody } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Field, Select } from '../../ui/field';
import { ProblemMessage } from '../../ui/problem';

type Created = Answer<'/v1/members/{id}/contact-requests', 'post'>;
type Body = RequestBody<'/v1/members/{id}/contact-requests'>;

/**
 * DN-1, DN-2: a do-not-solicit (or opt-in) request with the details that verify it. Members file
 * through the web; staff taking a call record it as a phone request with their own name (takenBy).
 */
export function ContactRequestForm({ memberId, channel, onFiled }: { memberId: string; channel: 'web' | 'phone'; onFiled(created: Created): void }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<Body['kind']>('do_not_solicit');
  const [scope, setScope] = useState<Body['scope']>('company');
  const [takenBy, setTakenBy] = useState('');
  const [verification, setVerification] = useState({ name: '', phone: '', contractNumber: '' });
  const [error, setError] = useState<unknown>();
  const [created, setCreated] = useState<Created | null>(null);
  const set = (name: keyof typeof verification) => (e: { target: { value: string } }) => setVerification({ ...verification, [name]: e.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const body: Body = { kind, channel, scope, verification, ...(channel === 'phone' ? { takenBy } : {}) };
      const result = await post('/v1/members/{id}/contact-requests', { id: memberId }, body, { idempotencyKey: newIdempotencyKey() });
      setCreated(result);
      onFiled(result);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <form onSubmit={submit} className="card" aria-label={t(channel === 'phone' ? 'contact.phoneForm' : 'contact.form')}>
      <Select label={t('contact.kind')} value={kind} onChange={(e) => setKind(e.target.value as Body['kind'])}>
        <option value="do_not_solicit">{t('contact.kind.do_not_solicit')}</option>
        <option value="opt_in">{t('contact.kind.opt_in')}</option>
      </Select>
      <Select label={t('contact.scope')} value={scope} onChange={(e) => setScope(e.target.value as Body['scope'])}>
        <option value="company">{t('contact.scope.company')}</option>
        <option value="affiliates">{t('contact.scope.affiliates')}</option>
        <option value="all">{t('contact.scope.all')}</option>
      </Select>
      {channel === 'phone' && <Field label={t('contact.takenBy')} value={takenBy} onChange={(e) => setTakenBy(e.target.value)} required />}
      <fieldset>
        <legend>{t('contact.verification')}</legend>
        <Field label={t('signup.name')} value={verification.name} onChange={set('name')} required autoComplete={channel === 'web' ? 'name' : 'off'} />
        <Field label={t('signup.phone')} type="tel" value={verification.phone} onChange={set('phone')} required autoComplete={channel === 'web' ? 'tel' : 'off'} />
        <Field label={t('contact.contractNumber')} value={verification.contractNumber} onChange={set('contractNumber')} required />
        <p className="hint">{t('contact.purpose')}</p>
      </fieldset>
      <ProblemMessage error={error} />
      {created && <RequestOutcome request={created} />}
      <button type="submit">{t('contact.submit')}</button>
    </form>
  );
}

/** DN-2, DN-3: the verification result and, when verified, the date the request takes effect. */
export function RequestOutcome({ request }: { request: Created }) {
  const { t, date } = useI18n();
  return (
    <p role="status" data-testid="request-outcome">
      {request.status === 'rejected'
        ? t('contact.rejected', { fields: (request.mismatches ?? []).map((f) => t(`contact.field.${f}` as 'contact.field.name')).join(', ') })
        : t('contact.accepted', { status: t(`contact.status.${request.status}`), date: request.effectiveAt ? date(request.effectiveAt) : '—' })}
    </p>
  );
}
