import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import type { Temporal } from 'temporal-polyfill';

/** What every ledger operation carries. */
interface Common {
  member: string;
  /** Idempotency key, unique per member: a replay returns the first result. */
  key: string;
  /** The domain's word for the transaction (earn, adjustment, bill_credit …); defaults to the op. */
  kind?: string;
  reason?: string;
  /** When it happened in the business (the event's time); defaults to the ledger's now. */
  occurredAt?: Temporal.Instant;
  /** Who caused it: `operator:…`, `member:…`, `job:…`, `upstream:…`. */
  actor: string;
  metadata?: Record<string, unknown>;
  /**
   * What the caller asked for, where the operation adds values the server derived (an adjustment's
   * expiry from the program's policy and today's date): the idempotency fingerprint covers this
   * instead, so a retry that arrives after the derived value moved (past a fiscal-year end) still
   * replays the first answer rather than looking like a different request.
   */
  asked?: Record<string, unknown>;
}

/** The program side of a transaction: `program:issued`, `program:redeemed`, … */
export type ProgramAccount = `program:${string}`;

export interface CreditOp extends Common {
  op: 'credit';
  points: number;
  /** Undefined: never expires. */
  expiresAt?: Temporal.Instant;
  lotClass?: string;
  counter?: ProgramAccount;
}
export interface DebitOp extends Common {
  op: 'debit';
  points: number;
  counter?: ProgramAccount;
}
export interface HoldOp extends Common {
  op: 'hold';
  points: number;
  expiresAt?: Temporal.Instant;
  lotClass?: string;
  counter?: ProgramAccount;
}
export interface SettleOp extends Common {
  op: 'confirm' | 'cancel';
  /** The hold's transaction id. */
  transaction: string;
  /** Undefined: everything still open on the hold. */
  points?: number;
  expiresAt?: Temporal.Instant;
}
export interface ReverseOp extends Common {
  op: 'reverse';
  transaction: string;
  /** Undefined: everything not yet reversed. */
  points?: number;
  /** Clawback: let the balance go negative rather than refuse (the debt is paid by later credits). */
  allowNegative?: boolean;
}
export interface ForfeitOp extends Common {
  op: 'forfeit';
  counter?: ProgramAccount;
}

export type LedgerOp = CreditOp | DebitOp | HoldOp | SettleOp | ReverseOp | ForfeitOp;

/**
 * Outcomes of one operation; everything but created and replayed is a refusal that wrote nothing
 * of its own (a debit, forfeit or reversal may still have expired due buckets first: `expired`).
 */
export type LedgerStatus =
  | 'created'
  | 'replayed'
  | 'insufficient_points'
  | 'idempotency_key_reused'
  | 'idempotency_key_in_flight'
  | 'invalid_expiry'
  | 'exceeds_original'
  | 'not_reversible'
  | 'nothing_to_forfeit'
  | 'not_found';

export interface LedgerResult {
  status: LedgerStatus;
  transactionId?: string;
  points?: number;
  /** Balances right after the transaction (also on a replay: the original's). */
  available?: number;
  pending?: number;
  /** The expiry transactions of due buckets this operation wrote first, on any status (`expiriesOf`). */
  expired?: unknown;
  /** Refusal details: available, requested, remaining, … */
  [detail: string]: unknown;
}

/**
 * The fingerprint of what an operation asks for, so a key reused for a different request is
 * caught (422 idempotency_key_reused). Covers every field but the key and the actor; metadata too.
 */
export function requestHash(op: LedgerOp): string {
  const { key: _key, actor: _actor, asked, ...request } = op;
  const fingerprinted = asked ? { member: op.member, op: op.op, kind: op.kind, asked } : request;
  return createHash('sha256').update(canonicalJson(fingerprinted)).digest('base64url');
}

