/**
 * This browser's device id (decision 72): 256 random bits kept in localStorage, sent with each
 * log-in so the API knows a device that was verified before. It outlives the session (kept in
 * sessionStorage) on purpose; only its SHA-256 is stored on the server.
 */
const storageKey = 'pointbook.device';

export function deviceId(): string {
  const saved = localStorage.getItem(storageKey);
  if (saved && /^[A-Za-z0-9_-]{43}$/u.test(saved)) return saved;
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const id = btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/u, '');
  localStorage.setItem(storageKey, id);
  return id;
}
