import assert from 'node:assert/strict';
import { statement, type Db } from '../../src/db/index.js';
import type { App } from '../../src/http/app.js';
import { adjust, call, enrol, uniqueExternalId } from '../support/api.js';

/**
 * RELIABILITY.md B1/B2: one row per mutating endpoint that takes an Idempotency-Key, each with a
 * request that has an effect, every field of it changed one at a time, and a count of its effect.
 * The suites compare these rows with the OpenAPI document, so a new endpoint taking the header
 * without a row here fails them.
 */
export interface Case {
  url: string;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** The same request with one field changed, by what changed. */
  changed: Record<string, Record<string, unknown>>;
  /** How many times the effect exists: 1 after the request, however often it was sent. */
  effects(): Promise<number>;
}

export type Setup = (ctx: { app: App; db: Db }) => Promise<Case>;

const count = (name: string, sql: string) => statement(`test.idempotency.${name}`, sql);
const counts = {
  members: count('members', `select count(*)::int as n from members where program_key = $1 and external_id = $2`),
  journal: count('journal', `select count(*)::int as n from ledger_journal where member_id = $1`),
  redemptions: count('redemptions', `select count(*)::int as n from redemptions where member_id = $1`),
  refunds: count('refunds', `select count(*)::int as n from redemption_refunds where member_id = $1`),
  contactRequests: count('contactRequests', `select count(*)::int as n from contact_requests where member_id = $1`),
  applications: count('applications', `select count(*)::int as n from campaign_applications where member_id = $1`),
  history: count('history', `select count(*)::int as n from campaign_history where member_id = $1`),
};

async function n(db: Db, sql: (typeof counts)[keyof typeof counts], values: unknown[]): Promise<number> {
  const [row] = await db.query<{ n: number }>(sql, values);
  return row?.n ?? 0;
}

/** Everything any of these endpoints may write, for "a refused request wrote nothing". */
export const footprintOf = statement('test.idempotency.footprint', `
  select (select count(*) from members)::int as members, (select count(*) from ledger_journal)::int as journal,
         (select count(*) from ledger_postings)::int as postings, (select count(*) from redemptions)::int as redemptions,
         (select count(*) from redemption_refunds)::int as refunds, (select count(*) from contact_requests)::int as contact_requests,
         (select count(*) from campaign_applications)::int as applications, (select count(*) from campaign_history)::int as history,
         (select count(*) from http_idempotency_keys)::int as keys, (select count(*) from outbox_messages)::int as outbox`);

async function contractStarted(app: App, program: string, externalId: string, contract: Record<string, unknown>): Promise<void> {
  const event = { id: `idem-${externalId}`, type: 'contract.started', member: { externalId }, occurredAt: '2026-03-01T00:00:00+09:00', data: contract };
  const sent = await call(app, 'POST', `/v1/programs/${program}/events`, { events: [event] });
  assert.equal(sent.statusCode, 200, sent.body);
}

export const endpoints: Record<string, Setup> = {
  'POST /v1/programs/{program}/members': async ({ db }) => {
    const externalId = uniqueExternalId('idem');
    return {
      url: '/v1/programs/flets-club/members',
      body: { externalId, name: '光 太郎', email: 'taro@example.jp' },
      changed: { externalId: { externalId: `${externalId}-2` }, name: { name: '光 次郎' }, email: { email: 'jiro@example.jp' } },
      effects: () => n(db, counts.members, ['flets-club', externalId]),
    };
  },
  'POST /v1/members/{id}/adjustments': async ({ app, db }) => {
    const id = await enrol(app);
    return {
      url: `/v1/members/${id}/adjustments`,
      body: { points: 500, reason: 'welcome' },
      changed: { points: { points: 501 }, reason: { reason: 'welcome back' }, expiresAt: { expiresAt: '2030-01-01T00:00:00Z' } },
      effects: () => n(db, counts.journal, [id]),
    };
  },
  'POST /v1/members/{id}/redemptions': async ({ app, db }) => {
    const id = await enrol(app, 'flets-club', { email: 'member@example.jp' });
    assert.equal((await adjust(app, id, 5000, `${id}-seed`)).statusCode, 201);
    return {
      url: `/v1/members/${id}/redemptions`,
      body: { kind: 'bill_credit', points: 100 },
      headers: { 'x-pointbook-trusted-line': 'true' },
      changed: { points: { points: 200 }, kind: { kind: 'catalog', rewardId: 'security-software-1y', points: undefined } },
      effects: () => n(db, counts.redemptions, [id]),
    };
  },
  'POST /v1/members/{id}/redemptions/{redemptionId}/refunds': async ({ app, db }) => {
    const id = await enrol(app, 'sony-rewards');
    assert.equal((await adjust(app, id, 5000, `${id}-seed`)).statusCode, 201);
    const order = { kind: 'checkout', points: 300, orderId: `O-${id}`, orderTotal: { amountMinor: 5000, currency: 'USD' } };
    const paid = await call(app, 'POST', `/v1/members/${id}/redemptions`, order, { 'idempotency-key': `${id}-pay` });
    assert.equal(paid.statusCode, 201, paid.body);
    return {
      url: `/v1/members/${id}/redemptions/${paid.json<{ id: string }>().id}/refunds`,
      body: { points: 100 },
      changed: { points: { points: 200 }, 'points (none: all)': { points: undefined } },
      effects: () => n(db, counts.refunds, [id]),
    };
  },
  'POST /v1/members/{id}/contact-requests': async ({ app, db }) => {
    const externalId = uniqueExternalId('SN');
    const id = await enrol(app, 'sonet', { externalId, name: '鈴木 一郎', phone: '090-5555-0101', email: `${externalId}@example.jp` });
    await contractStarted(app, 'sonet', externalId, { contractId: `SN-${externalId}`, type: 'sonet-hikari' });
    const verification = { name: '鈴木一郎', phone: '09055550101', contractNumber: `SN-${externalId}` };
    return {
      url: `/v1/members/${id}/contact-requests`,
      body: { kind: 'do_not_solicit', channel: 'web', scope: 'company', verification },
      changed: { scope: { scope: 'all' }, kind: { kind: 'opt_in' }, verification: { verification: { ...verification, name: '鈴木二郎' } } },
      effects: () => n(db, counts.contactRequests, [id]),
    };
  },
  'POST /v1/campaigns/{campaign}/applications': async ({ app, db }) => {
    const externalId = uniqueExternalId('idem');
    const id = await enrol(app, 'flets-club', { externalId });
    const line = `FIBRE-${externalId}`;
    await contractStarted(app, 'flets-club', externalId, { contractId: line, type: 'flets-hikari', plan: 'home', commitmentDiscount: true, origin: 'new' });
    return {
      url: '/v1/campaigns/hikari-welcome-2026/applications',
      body: { member: id, line, role: 'subscriber', option: 'discount' },
      changed: { line: { line: `${line}-2` } },
      effects: () => n(db, counts.applications, [id]),
    };
  },
  'POST /v1/members/{id}/campaign-history': async ({ app, db }) => {
    const id = await enrol(app);
    const entry = { personId: `P-${id}`, campaign: 'white-gakuwari', startedAt: '2015-04-01T00:00:00+09:00' };
    return {
      url: `/v1/members/${id}/campaign-history`,
      body: { entries: [entry] },
      changed: { campaign: { entries: [{ ...entry, campaign: 'giga-gakuwari' }] }, 'endedAt added': { entries: [{ ...entry, endedAt: '2016-03-31T00:00:00+09:00' }] } },
      effects: () => n(db, counts.history, [id]),
    };
  },
};

/** The operations of the OpenAPI document that take an Idempotency-Key header, as `POST /path`. */
export async function idempotentOperations(app: App): Promise<string[]> {
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{
    paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
  }>();
  return Object.entries(doc.paths)
    .flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, op]) => op.parameters?.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

export function send(app: App, c: Case, key: string, body: Record<string, unknown> = c.body) {
  return call(app, 'POST', c.url, body, { ...c.headers, 'idempotency-key': key });
}

/** `base` with `change` applied; an undefined value removes the field. */
export function withChange(base: Record<string, unknown>, change: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base, ...change };
  for (const [field, value] of Object.entries(change)) if (value === undefined) delete merged[field];
  return merged;
}
