import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The operator token: POINTBOOK_ADMIN_TOKEN when set; otherwise the one saved in the data
 * directory (readable by its owner only), made on first start. In memory it lives for the process.
 */
export function resolveAdminToken(fromEnv: string | undefined, dataDir: string, persist: boolean): { token: string; source: string } {
  if (fromEnv) return { token: fromEnv, source: 'POINTBOOK_ADMIN_TOKEN' };
  const file = join(dataDir, 'operator-token');
  if (persist && existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), source: file };
  const token = `pbk_${randomBytes(24).toString('base64url')}`;
  if (!persist) return { token, source: 'generated for this process' };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, source: `generated, saved in ${file}` };
}
