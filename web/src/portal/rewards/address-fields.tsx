import { useI18n } from '../../i18n/i18n';
import { Field } from '../../ui/field';

export interface PostalAddress {
  postalCode: string;
  region?: string;
  locality?: string;
  line1: string;
  line2?: string;
}

export function AddressFields({ value, onChange }: { value: PostalAddress; onChange(next: PostalAddress): void }) {
  const { t } = useI18n();
  const set = (name: keyof PostalAddress) => (e: { target: { value: string } }) => onChange({ ...value, [name]: e.target.value });
  return (
    <fieldset>
      <legend>{t('address.legend')}</legend>
      <Field label={t('address.postalCode')} value={value.postalCode} onChange={set('postalCode')} required autoComplete="postal-code" />
      <Field label={t('address.region')} value={value.region ?? ''} onChange={set('region')} autoComplete="address-level1" />
      <Field label={t('address.locality')} value={value.locality ?? ''} onChange={set('locality')} autoComplete="address-level2" />
      <Field label={t('address.line1')} value={value.line1} onChange={set('line1')} required autoComplete="address-line1" />
      <Field label={t('address.line2')} value={value.line2 ?? ''} onChange={set('line2')} autoComplete="address-line2" />
    </fieldset>
  );
}

export function formatAddress(a: PostalAddress | null | undefined): string {
  if (!a) return '';
  return [`〒${a.postalCode}`, a.region, a.locality, a.line1, a.line2].filter(Boolean).join(' ');
}
