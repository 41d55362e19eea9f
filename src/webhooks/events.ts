import { assert } from '../errors.js';

/**
 * The catalogue: every event type a subscription may name, in one place. Publishing a type that
 * is not here does not compile. Where each is published from: README.md.
 */
export const webhookEventTypes = [
  'points.credited',
  'points.debited',
  'points.expired',
  'tier.changed',
  'contact_permission.changed',
  'application.status_changed',
  'draw.completed',
] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (webhookEventTypes as readonly string[]).includes(value);
}

/** Points moved on a member's available balance: ids and amounts, never who the member is. */
export interface PointsEventData {
  memberId: string;
  transactionId: string;
  /** Always positive: the type says which way. */
  points: number;
  /** The ledger's word for the transaction: adjustment, earn, redeem, refund, forfeit, … */
  kind: string;
  /** The member's balance right after the transaction. */
  balance: { available: number; pending: number };
}

/** A JSON value a payload may carry. */
export type PayloadValue = string | number | boolean | null | PayloadValue[] | { [key: string]: PayloadValue };

/** What `data` holds for each type. */
export interface WebhookEventData {
  'points.credited': PointsEventData;
  'points.debited': PointsEventData;
  /** A bucket's unspent points expired (FL-8), by the nightly job or lazily before a debit. */
  'points.expired': PointsEventData & { kind: 'expire'; expiresAt: string; lotClass: string };
  /** SU-1: `from` is null for a member's first status (`direction` initial). */
  'tier.changed': { memberId: string; from: string | null; to: string; direction: 'up' | 'down' | 'initial'; month: string };
  /** DN: a verified request and the marketing cells it decides, each from its effective instant. */
  'contact_permission.changed': {
    memberId: string;
    requestId: string;
    kind: 'do_not_solicit' | 'opt_in';
    allowed: boolean;
    changes: { channel: string; purpose: string; scope: string; effectiveAt: string }[];
  };
  'application.status_changed': { [key: string]: PayloadValue };
  /** SU-8: a period was drawn; the seed is revealed with it, so anyone can verify the ranking. */
  'draw.completed': {
    drawId: string;
    sweepstakes: string;
    period: string;
    commitment: string;
    seed: string;
    awardAt: string;
    tiers: { prize: string; entries: number; winners: number; excluded: number }[];
  };
}

/** The JSON body of a delivery. `id` is the same for every subscription's copy of one event. */
export interface WebhookPayload<T extends WebhookEventType = WebhookEventType> {
  id: string;
  type: T;
  program: string;
  occurredAt: string;
  data: WebhookEventData[T];
}

// Keys that would name or reach a person. Payloads carry ids and amounts only: a receiver that
// needs a member's details asks the API, where access is checked and logged.
const personalKeys = new Set(['name', 'email', 'phone', 'address', 'postaladdress', 'birthdate', 'kana', 'verification']);

/**
 * A fault when `data` carries a key that names personal data (at any depth) or a value that is not
 * plain JSON. Pure. Callers build `data` from ids and amounts; this keeps a later field from
 * slipping a name or an address into every subscriber's logs.
 */
export function assertIdsOnly(data: unknown, path = 'data'): void {
  if (data === null || typeof data === 'string' || typeof data === 'boolean') return;
  if (typeof data === 'number') return assert(Number.isFinite(data), `${path} is a finite number`);
  assert(typeof data === 'object', `${path} is plain JSON`);
  for (const [key, value] of Object.entries(data)) {
    assert(!personalKeys.has(key.toLowerCase()), `${path}.${key}: webhook payloads carry no personal data`);
    assertIdsOnly(value, `${path}.${key}`);
  }
}
