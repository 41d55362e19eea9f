import type { Role } from '../accounts/index.js';

/**
 * Who may call each route: the one role table (docs/security.md prints it). The server refuses to
 * start with a route that has no row, so no endpoint is ever open by omission, and the
 * authorization tests walk this table (RELIABILITY.md E1, E2).
 *
 * `member`: `self` — a member's own `/members/{id}/…` only (another member's id is 404, as if it did
 * not exist); `program` — their own program's `/programs/{program}/…`; `any` — routes about the
 * caller, such as `/me`; `body` — the member the request body names must be the caller; `owner` — the
 * resource must be the caller's (both checked by the route; another member's is 404). `roles`: operator roles besides `admin`, which may call everything but the
 * member-only routes. `public`: no credentials at all.
 */
export type MemberAccess = 'self' | 'program' | 'any' | 'body' | 'owner';
export type Access = { public: true } | { member?: MemberAccess; roles: readonly Exclude<Role, 'admin'>[]; adminAllowed?: false };

const staff = ['support', 'marketing', 'finance'] as const;
const open: Access = { public: true };

export const accessTable: Readonly<Record<string, Access>> = {
  'GET /health': open,

  // Log-in, sign-up and recovery (FL-1)
  'POST /v1/auth/signups': open,
  'POST /v1/auth/signups/confirm': open,
  'POST /v1/auth/sessions': open,
  'POST /v1/auth/operator-sessions': open,
  'POST /v1/auth/password-resets': open,
  'POST /v1/auth/password-resets/confirm': open,
  'POST /v1/auth/login-codes': open,
  'DELETE /v1/auth/sessions/current': { member: 'any', roles: staff },
  'GET /v1/me': { member: 'any', roles: staff },
  'POST /v1/me/password': { member: 'any', roles: [], adminAllowed: false },

  // Operators and sign-up review
  'GET /v1/operators': { roles: [] },
  'POST /v1/operators': { roles: [] },
  'POST /v1/operators/:operatorId/disable': { roles: [] },
  'GET /v1/programs/:program/signups': { roles: ['support'] },
  'POST /v1/programs/:program/signups/:signupId/review': { roles: ['support'] },
  'POST /v1/members/:id/access-keys': { roles: ['support'] },

  // Programs
  'GET /v1/programs': { roles: staff },
  'GET /v1/programs/:program/rewards': { member: 'program', roles: staff },
  // What the portal shows before log-in (#8): names, sign-up kinds, bill-credit step and cap.
  'GET /v1/programs/:program/portal': open,

  // Members
  'POST /v1/programs/:program/members': { roles: ['support'] },
  // Who may open a member's page may find one: exact external id, email or phone (#8).
  'GET /v1/programs/:program/members': { roles: ['support', 'finance'] },
  'GET /v1/members/:id': { member: 'self', roles: ['support', 'finance'] },
  'GET /v1/members/:id/memberships': { member: 'self', roles: ['support', 'finance'] },
  'GET /v1/members/:id/contracts': { member: 'self', roles: ['support', 'finance'] },
  'GET /v1/members/:id/status': { member: 'self', roles: ['support', 'finance'] },
  'POST /v1/members/:id/links': { roles: ['support'] },
  'GET /v1/members/:id/links': { member: 'self', roles: ['support'] },

  // Points
  'POST /v1/members/:id/adjustments': { roles: ['support', 'finance'] },
  'GET /v1/members/:id/balance': { member: 'self', roles: ['support', 'finance'] },
  'GET /v1/members/:id/transactions': { member: 'self', roles: ['support', 'finance'] },

  // Redemption (FL-3..FL-6, SR-5)
  'POST /v1/members/:id/redemptions': { member: 'self', roles: ['support'] },
  'GET /v1/members/:id/redemptions': { member: 'self', roles: ['support', 'finance'] },
  'POST /v1/members/:id/redemptions/:redemptionId/refunds': { roles: ['support', 'finance'] },
  'POST /v1/members/:id/step-up-keys': { member: 'self', roles: ['support'] },
  'GET /v1/members/:id/bill-credit': { member: 'self', roles: ['support', 'finance'] },

  // Consent (DN-1..DN-8)
  'POST /v1/members/:id/contact-requests': { member: 'self', roles: ['support'] },
  'GET /v1/members/:id/contact-requests': { member: 'self', roles: ['support'] },
  'GET /v1/members/:id/contact-permissions': { member: 'self', roles: ['support', 'marketing'] },
  'POST /v1/members/:id/contact-reports': { member: 'self', roles: ['support'] },
  'POST /v1/members/:id/contact-reports/:reportId/resolve': { roles: ['support'] },
  'GET /v1/programs/:program/contact-reports': { roles: ['support'] },

  // Privacy: a member's own data out, and erasure on request
  'GET /v1/members/:id/personal-data': { member: 'self', roles: ['support'] },
  'POST /v1/members/:id/erasure': { roles: [] },

  // Webhooks (#7): subscriptions per program, their delivery log and replays
  'GET /v1/programs/:program/webhooks': { roles: [] },
  'POST /v1/programs/:program/webhooks': { roles: [] },
  'POST /v1/programs/:program/webhooks/:webhookId/disable': { roles: [] },
  'GET /v1/programs/:program/webhooks/:webhookId/deliveries': { roles: ['support'] },
  'POST /v1/programs/:program/webhooks/:webhookId/deliveries/:deliveryId/replay': { roles: [] },

  // Campaigns (#5, GG): marketing owns definitions and reads outcomes; support applies for customers in shops and call centres
  'GET /v1/programs/:program/campaigns': { member: 'program', roles: staff },
  'POST /v1/campaigns/:campaign/eligibility': { member: 'body', roles: ['support', 'marketing'] },
  'POST /v1/campaigns/:campaign/applications': { member: 'body', roles: ['support'] },
  'GET /v1/campaigns/:campaign/applications/:applicationId': { member: 'owner', roles: ['support', 'marketing'] },
  'GET /v1/members/:id/benefits': { member: 'self', roles: ['support', 'finance'] },
  'GET /v1/members/:id/campaign-history': { member: 'self', roles: ['support', 'marketing'] },
  'POST /v1/members/:id/campaign-history': { roles: ['support', 'marketing'] },

  // Sweepstakes (#6, SU): public like the campaign page; members enter for themselves (the handler
  // refuses another member's id as not found); marketing runs draws and exclusions, support looks on.
  'GET /v1/programs/:program/sweepstakes': open,
  'GET /v1/sweepstakes/:key': open,
  'GET /v1/sweepstakes/:key/periods/:period': open,
  'POST /v1/sweepstakes/:key/entries': { member: 'body', roles: [], adminAllowed: false },
  'GET /v1/sweepstakes/:key/entries': { roles: ['support', 'marketing'] },
  'GET /v1/sweepstakes/:key/duplicates': { roles: ['support', 'marketing'] },
  'POST /v1/sweepstakes/:key/entries/:entryId/exclusion': { roles: ['marketing'] },
  'POST /v1/sweepstakes/:key/draws': { roles: ['marketing'] },
  'GET /v1/sweepstakes/:key/draws/:drawId': { roles: ['support', 'marketing', 'finance'] },
  'GET /v1/sweepstakes/:key/draws/:drawId/verification': { roles: ['support', 'marketing', 'finance'] },
  'GET /v1/members/:id/sweepstakes': { member: 'self', roles: ['support'] },
  'GET /v1/members/:id/sweepstakes-entries': { member: 'self', roles: ['support'] },

  // Finance (#8): the points liability, from postings
  'GET /v1/programs/:program/liability': { roles: ['finance'] },

  // The console's simulator and definition checks (#8): who owns definitions; a scratch database, never the live one.
  'POST /v1/simulations': { roles: ['marketing'] },
  'POST /v1/programs/:program/definition-checks': { roles: ['marketing'] },

  // Integration and operations: the API token and admins
  'POST /v1/programs/:program/events': { roles: [] },
  'POST /v1/programs/:program/jobs/:job/runs': { roles: [] },
  'GET /v1/programs/:program/jobs/runs': { roles: staff },
  // J1: the audit log; admins only, as it shows every operator's actions and addresses (decision 58)
  'GET /v1/audit': { roles: [] },
  'GET /v1/test-clock': { roles: [] },
  'POST /v1/test-clock': { roles: [] },
};

export function accessRule(method: string, url: string): Access | undefined {
  return accessTable[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}
