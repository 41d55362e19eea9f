import type { Temporal } from 'temporal-polyfill';
import type { Db } from '../db/index.js';
import type { LoginDefence } from './login-defence.js';

/** What account flows need from the running server. */
export interface AccountsEnv {
  db: Db;
  /** Where the member portal is, for the links we email: POINTBOOK_PUBLIC_URL. */
  publicUrl: string;
  /** F2: when log-ins from unknown devices are challenged (POINTBOOK_LOGIN_CHALLENGE_*); default `defaultLoginDefence`. */
  loginDefence?: LoginDefence | undefined;
}

export interface RequestContext {
  now: Temporal.Instant;
  /** Who acts: `anonymous`, `member:<id>`, `operator:<id>`. */
  actor: string;
  /** The client address, for throttling. */
  ip: string;
}

/** Links carry their token in the fragment, which browsers never send to servers or in Referer headers. */
export function emailLink(env: AccountsEnv, page: string, token: string): string {
  return `${env.publicUrl.replace(/\/+$/u, '')}/${page}#token=${token}`;
}
