import { currentSession } from '../api/session';

/** The logged-in member's id; portal screens are shown only with a member session (app.tsx). */
export function memberId(): string {
  const session = currentSession();
  return session?.kind === 'member' ? session.memberId : '';
}
