import { useEffect } from 'react';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';
import { ScreenTitle } from './shell';

export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

export function NotFound() {
  const { t } = useI18n();
  return (
    <>
      <ScreenTitle>{t('notFound.title')}</ScreenTitle>
      <p>{t('notFound.text')}</p>
    </>
  );
}
