import type { Temporal } from 'temporal-polyfill';
import { eraseAccountData } from '../accounts/index.js';
import { eraseContactData } from '../consent/index.js';
import type { Db, Queryable } from '../db/index.js';
import { assert, refusal } from '../errors.js';
import { erasePersonalData, getMember } from '../members/index.js';
import { eraseRedemptionData } from '../redemption/index.js';
import { eraseSweepstakesData } from '../sweepstakes/index.js';
import { findPerson, type Person } from './person.js';
import * as sql from './sql.js';

export interface Erasure {
  memberId: string;
  erasedAt: Temporal.Instant;
  /** true: the member had already been erased; this is the first erasure's result. */
  replayed: boolean;
}

type Ctx = { now: Temporal.Instant; actor: string };

/**
 * The steps of an erasure, each by (or on behalf of) the domain that owns the tables. Order
 * matters: accounts/ and notifications/ find sign-ups, throttles and mail by the person's
 * addresses, so they run while those are still known; members/ replaces the external id last.
 */
const steps: readonly ((tx: Queryable, person: Person, ctx: Ctx) => Promise<unknown>)[] = [
  (tx, person, ctx) => eraseAccountData(tx, person, ctx),
  (tx, person) => tx.query(sql.eraseMessages, [person.memberId, person.emails, person.pseudonym]),
  (tx, person) => eraseContactData(tx, person.memberId),
  (tx, person, ctx) => eraseRedemptionData(tx, person, ctx),
  (tx, person) => eraseSweepstakesData(tx, person.memberId),
  (tx, person) => tx.query(sql.eraseStoredEnrolments, [person.memberId, person.pseudonym]),
  (tx, person) => tx.query(sql.eraseEventBirthDates, [person.memberId]),
  (tx, person, ctx) => erasePersonalData(tx, person, ctx),
];

/**
 * Erases a member's personal data on request, in one transaction: the member is pseudonymized and
 * everything that named the person is removed or nulled (src/privacy/README.md lists what, table by
 * table). The ledger is not touched, so balances, postings and `ledger verify` stay valid.
 *
 * Idempotent: the erasure record is claimed first, so a second erasure — or a concurrent one,
 * which waits on that row — answers the first one's result and changes nothing. Refuses
 * not_found for an id that is no member's.
 */
export async function eraseMember(db: Db, input: { memberId: string; reason: string }, ctx: Ctx): Promise<Erasure> {
  return db.transaction(async (tx) => {
    const member = await getMember(tx, input.memberId);
    if (!member) throw refusal('not_found', `There is no member ${input.memberId}`);
    const claimed = await tx.query(sql.claimErasure, [member.id, member.program, ctx.now.toString(), ctx.actor, input.reason]);
    if (claimed.length === 0) {
      const [first] = await tx.query<sql.ErasureRow>(sql.getErasure, [member.id]);
      assert(first, 'an erasure that was claimed is recorded');
      return { memberId: member.id, erasedAt: first.erased_at, replayed: true };
    }
    const person = await findPerson(tx, member.id);
    assert(person, 'the member being erased exists');
    for (const step of steps) await step(tx, person, ctx);
    return { memberId: member.id, erasedAt: ctx.now, replayed: false };
  });
}
