/**
 * The browser keeps the session token in sessionStorage (docs/decisions.md 51): sent only as a
 * bearer header, never as a cookie, so no other site can make the browser use it (no CSRF); gone
 * when the tab closes; and the Content-Security-Policy allows no script but ours to read it.
 */
export type Session =
  | { kind: 'member'; token: string; expiresAt: string; memberId: string; program: string }
  | { kind: 'operator'; token: string; expiresAt: string; operatorId: string; role: string; email: string | null };

const storageKey = 'pointbook.session';
const listeners = new Set<() => void>();

export function currentSession(): Session | null {
  const raw = sessionStorage.getItem(storageKey);
  if (!raw) return null;
  // Expiry is the server's to judge (the browser's clock may be off, or a test clock in use): a 401 ends it.
  try {
    return JSON.parse(raw) as Session;
  } catch {
    sessionStorage.removeItem(storageKey);
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(storageKey, JSON.stringify(session));
  else sessionStorage.removeItem(storageKey);
  for (const listener of listeners) listener();
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
