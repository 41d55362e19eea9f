/**
 * Which program's portal this is. A member names no program in the UI: the program's own site
 * links to `/login?program=<key>`, and the choice is remembered for the next visit.
 */
const storageKey = 'pointbook.program';

export function programFromUrlOrMemory(search: URLSearchParams): string {
  const fromUrl = search.get('program');
  if (fromUrl && /^[a-z0-9-]{1,64}$/u.test(fromUrl)) {
    localStorage.setItem(storageKey, fromUrl);
    return fromUrl;
  }
  return localStorage.getItem(storageKey) ?? '';
}

export function rememberProgram(program: string): void {
  localStorage.setItem(storageKey, program);
}
