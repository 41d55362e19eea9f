import type { ReactNode } from 'react';
import { del } from '../api/client';
import { currentSession, saveSession } from '../api/session';
import { useI18n, type Locale } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';
import { Link, navigate } from '../router';

export interface NavItem {
  to: string;
  label: MessageKey;
}

/** The page frame: skip link, header with navigation, language switch and log-out, then the screen. */
export function Shell({ area, nav, children }: { area: 'portal' | 'console'; nav: NavItem[]; children: ReactNode }) {
  const { t } = useI18n();
  const session = currentSession();
  const logOut = async () => {
    try {
      await del('/v1/auth/sessions/current', {});
    } catch {
      // The session may already be over; forgetting it is what matters.
    }
    saveSession(null);
    navigate(area === 'console' ? '/console/login' : '/login');
  };
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className={`top ${area}`}>
        <div className="brand">
          <Link to={area === 'console' ? '/console' : '/'}>{t(area === 'console' ? 'app.console' : 'app.portal')}</Link>
        </div>
        <nav aria-label={t('nav.label')}>
          <ul>
            {session &&
              nav.map((item) => (
                <li key={item.to}>
                  <Link to={item.to}>{t(item.label)}</Link>
                </li>
              ))}
          </ul>
        </nav>
        <div className="tools">
          <LanguageSwitch />
          {session && (
            <button type="button" className="link-button" onClick={logOut}>
              {t('nav.logout')}
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  const choices: { value: Locale; label: string }[] = [
    { value: 'ja', label: '日本語' },
    { value: 'en', label: 'English' },
  ];
  return (
    <div role="group" aria-label={t('nav.language')} className="language">
      {choices.map((c) => (
        <button key={c.value} type="button" lang={c.value} aria-pressed={locale === c.value} onClick={() => setLocale(c.value)}>
          {c.label}
        </button>
      ))}
    </div>
  );
}

/** A screen's title: focusable, so moving between screens puts focus (and screen readers) here. */
export function ScreenTitle({ children }: { children: ReactNode }) {
  return <h1 tabIndex={-1}>{children}</h1>;
}
