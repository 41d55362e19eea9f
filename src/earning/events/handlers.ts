import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../../db/index.js';
import type { Program } from '../../programs/index.js';
import { memberLeft, billIssued, partnerEarned } from './account-events.js';
import { contractEnded, contractRecorded } from './contract-events.js';
import { orderCancelled, orderPlaced, orderReturned, orderShipped } from './order-events.js';
import type { EventType } from './types.js';

export interface HandlerInput {
  program: Program;
  memberId: string;
  /** Set when the event named the member by a linked account: since when it is linked (SR-4). */
  linkedAt?: Temporal.Instant;
  event: { id: string; type: EventType; occurredAt: Temporal.Instant; data: Record<string, unknown> };
}

export interface Outcome {
  /** Net change to the member's points (available and pending). */
  points: number;
  message?: string;
  [detail: string]: unknown;
}

export type Handler = (tx: Queryable, input: HandlerInput, ctx: { now: Temporal.Instant; actor: string }) => Promise<Outcome>;

export const handlers: Record<EventType, Handler> = {
  'order.placed': orderPlaced,
  'order.shipped': orderShipped,
  'order.cancelled': orderCancelled,
  'order.returned': orderReturned,
  'contract.started': contractRecorded,
  'contract.changed': contractRecorded,
  'contract.cancelled': contractEnded,
  'contract.converted': contractEnded,
  'bill.issued': billIssued,
  'member.left': memberLeft,
  'partner.earned': partnerEarned,
};
