import type { MessageKey } from '../i18n/en';
import type { NavItem } from '../ui/shell';

/**
 * What each role's console shows, following the API's role table (docs/security.md); the API
 * decides in the end, and a screen that gets 403 says so.
 */
const screens: (NavItem & { roles: string[] })[] = [
  { to: '/console', label: 'console.nav.members', roles: ['support', 'finance', 'admin'] },
  { to: '/console/programs', label: 'console.nav.programs', roles: ['support', 'marketing', 'finance', 'admin'] },
  { to: '/console/draws', label: 'console.nav.draws', roles: ['support', 'marketing', 'finance', 'admin'] },
  { to: '/console/finance', label: 'console.nav.finance', roles: ['finance', 'admin'] },
  { to: '/console/jobs', label: 'console.nav.jobs', roles: ['support', 'marketing', 'finance', 'admin'] },
  { to: '/console/signups', label: 'console.nav.signups', roles: ['support', 'admin'] },
  { to: '/console/simulator', label: 'console.nav.simulator', roles: ['marketing', 'admin'] },
];

export function navFor(role: string): NavItem[] {
  return screens.filter((s) => s.roles.includes(role)).map(({ to, label }) => ({ to, label }));
}

export function may(role: string, action: 'adjust' | 'refund' | 'takeRequest' | 'runDraw' | 'excludeEntry'): boolean {
  const allowed: Record<typeof action, string[]> = {
    adjust: ['support', 'finance', 'admin'],
    refund: ['support', 'finance', 'admin'],
    takeRequest: ['support', 'admin'],
    runDraw: ['marketing', 'admin'],
    excludeEntry: ['marketing', 'admin'],
  };
  return allowed[action].includes(role);
}

export const roleLabel = (role: string): MessageKey => `role.${role}` as MessageKey;
