import { useEffect, useState, type ReactNode } from 'react';
import { currentSession, onSessionChange } from './api/session';
import { ConsoleRoutes } from './console/console-routes';
import { CampaignsPage } from './portal/campaigns/campaigns-page';
import { ContactPage } from './portal/contact/contact-page';
import { HistoryPage } from './portal/history/history-page';
import { HomePage } from './portal/home/home-page';
import { LoginPage } from './portal/login/login-page';
import { RewardsPage } from './portal/rewards/rewards-page';
import { SignupConfirmPage } from './portal/signup/confirm-page';
import { PasswordResetPage } from './portal/signup/password-reset-page';
import { SignupPage } from './portal/signup/signup-page';
import { SweepstakesPage } from './portal/sweepstakes/sweepstakes-page';
import { match, useLocation } from './router';
import { NotFound, Redirect } from './ui/redirect';
import { Shell, type NavItem } from './ui/shell';

const portalNav: NavItem[] = [
  { to: '/', label: 'nav.home' },
  { to: '/history', label: 'nav.history' },
  { to: '/rewards', label: 'nav.rewards' },
  { to: '/sweepstakes', label: 'nav.sweepstakes' },
  { to: '/campaigns', label: 'nav.campaigns' },
  { to: '/contact', label: 'nav.contact' },
];

/** Screens anyone may open: log-in, sign-up and the emailed links. */
const openScreens: Record<string, () => ReactNode> = {
  '/login': () => <LoginPage />,
  '/signup': () => <SignupPage />,
  '/signup/confirm': () => <SignupConfirmPage />,
  '/password-reset': () => <PasswordResetPage />,
};

const memberScreens: Record<string, () => ReactNode> = {
  '/': () => <HomePage />,
  '/history': () => <HistoryPage />,
  '/rewards': () => <RewardsPage />,
  '/sweepstakes': () => <SweepstakesPage />,
  '/campaigns': () => <CampaignsPage />,
  '/contact': () => <ContactPage />,
};

/** Re-renders when the session starts or ends (log-in, log-out, a 401). */
function useSession() {
  const [session, setSession] = useState(currentSession);
  useEffect(() => onSessionChange(() => setSession(currentSession())), []);
  return session;
}

export function App() {
  const { path, search } = useLocation();
  const session = useSession();
  if (path === '/console' || path.startsWith('/console/')) return <ConsoleRoutes path={path} session={session} />;

  const open = openScreens[path];
  if (open) return <Shell area="portal" nav={portalNav}>{open()}</Shell>;
  if (session?.kind !== 'member') return <Redirect to={`/login?next=${encodeURIComponent(path + location.search)}`} />;

  // SU-5: the emailed link of a status-up month opens the entry flow of that sweepstakes.
  const enter = match('/sweepstakes/:key/enter', path);
  const screen = enter ? <SweepstakesPage enterKey={enter.key} link={search.get('link') ?? undefined} /> : memberScreens[path]?.() ?? <NotFound />;
  return <Shell area="portal" nav={portalNav}>{screen}</Shell>;
}
