import type { ReactNode } from 'react';
import type { Session } from '../api/session';
import { useI18n } from '../i18n/i18n';
import { Link, match } from '../router';
import { NotFound, Redirect } from '../ui/redirect';
import { ScreenTitle, Shell } from '../ui/shell';
import { DrawsPage } from './draws/draws-page';
import { FinancePage } from './finance/finance-page';
import { JobsPage } from './jobs/jobs-page';
import { OperatorLoginPage } from './login/operator-login-page';
import { MemberPage } from './members/member-page';
import { MemberSearchPage } from './members/member-search-page';
import { ProgramsPage } from './programs/programs-page';
import { SignupsPage } from './signups/signups-page';
import { SimulatorPage } from './simulator/simulator-page';
import { navFor } from './roles';

/** The operator console: only with an operator session; a member's session opens none of it. */
export function ConsoleRoutes({ path, session }: { path: string; session: Session | null }) {
  if (path === '/console/login') return <Shell area="console" nav={[]}><OperatorLoginPage /></Shell>;
  if (!session) return <Redirect to="/console/login" />;
  if (session.kind !== 'operator') return <Shell area="console" nav={[]}><OperatorsOnly /></Shell>;
  const memberId = match('/console/members/:id', path)?.id;
  const screens: Record<string, () => ReactNode> = {
    '/console': () => <MemberSearchPage />,
    '/console/programs': () => <ProgramsPage />,
    '/console/draws': () => <DrawsPage role={session.role} />,
    '/console/finance': () => <FinancePage />,
    '/console/jobs': () => <JobsPage />,
    '/console/signups': () => <SignupsPage />,
    '/console/simulator': () => <SimulatorPage />,
  };
  const screen = memberId ? <MemberPage id={memberId} role={session.role} /> : screens[path.replace(/\/+$/u, '') || '/console']?.() ?? <NotFound />;
  return <Shell area="console" nav={navFor(session.role)}>{screen}</Shell>;
}

function OperatorsOnly() {
  const { t } = useI18n();
  return (
    <>
      <ScreenTitle>{t('console.operatorsOnly')}</ScreenTitle>
      <p role="alert">{t('console.operatorsOnlyText')}</p>
      <p>
        <Link to="/">{t('console.backToPortal')}</Link>
      </p>
    </>
  );
}
