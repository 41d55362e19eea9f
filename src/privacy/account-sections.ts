import { Type } from 'typebox';
import { accessKeyIssueOf, logInAccountOf, sessionsOf, signupsOf } from '../accounts/index.js';
import { Instant, iso, isoOrNull, JsonObject, nullable, section } from './section.js';

/** accounts/: the log-in, the activation letter's key, sign-ups and sessions — never a hash. */
export const logInSection = section({
  name: 'logIn',
  tables: ['member_accounts', 'account_directory'],
  schema: nullable(Type.Object({ email: Type.String(), locale: Type.String(), createdAt: Instant, passwordChangedAt: Instant })),
  async read(q, person) {
    const account = await logInAccountOf(q, person.memberId);
    return account ? { email: account.email, locale: account.locale, createdAt: iso(account.createdAt), passwordChangedAt: iso(account.passwordChangedAt) } : null;
  },
});

export const accessKeySection = section({
  name: 'accessKey',
  tables: ['member_access_keys'],
  schema: nullable(Type.Object({ issuedAt: Instant, issuedBy: Type.String() })),
  async read(q, person) {
    const issue = await accessKeyIssueOf(q, person.memberId);
    return issue ? { issuedAt: iso(issue.issuedAt), issuedBy: issue.issuedBy } : null;
  },
});

export const signupsSection = section({
  name: 'signups',
  tables: ['signups'],
  schema: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      email: Type.String(),
      locale: Type.String(),
      status: Type.String(),
      applicant: nullable(JsonObject),
      mismatches: nullable(Type.Array(Type.String())),
      createdAt: Instant,
      emailVerifiedAt: nullable(Instant),
      reviewedAt: nullable(Instant),
    }),
  ),
  async read(q, person) {
    return (await signupsOf(q, person)).map((s) => ({
      ...s,
      createdAt: iso(s.createdAt),
      emailVerifiedAt: isoOrNull(s.emailVerifiedAt),
      reviewedAt: isoOrNull(s.reviewedAt),
    }));
  },
});

export const sessionsSection = section({
  name: 'sessions',
  // `sessions` names its subject in `subject_id`, not `member_id`.
  tables: [],
  schema: Type.Array(Type.Object({ createdAt: Instant, expiresAt: Instant, revokedAt: nullable(Instant), ip: nullable(Type.String()) })),
  async read(q, person) {
    return (await sessionsOf(q, person.memberId)).map((s) => ({
      createdAt: iso(s.createdAt),
      expiresAt: iso(s.expiresAt),
      revokedAt: isoOrNull(s.revokedAt),
      ip: s.ip,
    }));
  },
});
