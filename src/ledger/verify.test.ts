import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { statement, type Db, type Queryable } from '../db/index.js';
import { describeStorage } from '../../test/support/databases.js';
import {
  T0,
  cancel,
  confirm,
  credit,
  day,
  debit,
  forfeit,
  givenAccount,
  hold,
  reverse,
} from '../../test/support/ledger-fixtures.js';
import { invariants, post, verifyLedger, type Violation } from './index.js';

class RolledBack extends Error {}

/**
 * The violations `verifyLedger` finds after `tamper` changes rows behind the ledger's back, in a
 * transaction that is then rolled back, so the file's own database stays sound.
 */
async function violationsAfter(db: Db, tamper: (tx: Queryable) => Promise<void>): Promise<Violation[]> {
  let found: Violation[] = [];
  await assert.rejects(
    db.transaction(async (tx) => {
      await tamper(tx);
      found = await verifyLedger(tx);
      throw new RolledBack('undo the tampering');
    }),
    RolledBack,
  );
  return found;
}

const INVARIANT = {
  zeroSum: 'every transaction balances: its postings sum to zero',
  postingsExist: 'every transaction has postings',
  deltas: "a transaction's recorded deltas equal its member postings",
  balances: 'cached balances equal the sum of postings',
  lots: 'lots hold exactly the available balance (none while it is negative)',
  allocations: 'every lot equals the sum of its allocations',
  negative: 'no negative balance unless a clawback allowed it',
  holds: 'pending equals what is still open on holds',
  counters: 'settled and reversed counters equal the transactions that settled or reversed them',
} as const;

/** A member whose history has every kind of transaction; the tampering targets its rows. */
interface Subject {
  member: string;
  /** A credit of 100 into a lot expiring on day 30. */
  earned: string;
  /** A hold of 100, 60 confirmed and 40 still open. */
  held: string;
  /** A debit of 50 reversed in part (20). */
  redeemed: string;
  /** A member whose balance went negative through a clawback. */
  debtor: string;
}

async function buildSubject(db: Db): Promise<Subject> {
  const { member, credits } = await givenAccount(db, {
    credits: [{ points: 100, expiresAt: day(30) }, { points: 80, expiresAt: day(5) }, { points: 10 }],
  });
  const earned = credits[0]?.transactionId ?? '';
  const held = await post(db, hold(member, 100, { expiresAt: day(90) }), T0);
  await post(db, confirm(member, held.transactionId, { points: 60 }), T0);
  const redeemed = await post(db, debit(member, 50), T0);
  await post(db, reverse(member, redeemed.transactionId, { points: 20 }), T0);
  // Day 6: the day-5 lot is due; this debit expires what is left of it first.
  await post(db, debit(member, 5), day(6));
  const other = await post(db, hold(member, 7), day(6));
  await post(db, cancel(member, other.transactionId), day(6));

  const debtor = await givenAccount(db, { credits: [{ points: 40 }] });
  await post(db, debit(debtor.member, 40), T0);
  await post(db, reverse(debtor.member, debtor.credits[0]?.transactionId ?? '', { allowNegative: true }), T0);
  const spare = await givenAccount(db, { credits: [{ points: 5 }] });
  await post(db, forfeit(spare.member), T0);
  await post(db, credit(spare.member, 3), T0);
  return { member, earned, held: held.transactionId, redeemed: redeemed.transactionId, debtor: debtor.member };
}

interface Tampering {
  what: string;
  sql: string;
  values: (s: Subject) => unknown[];
  breaks: (keyof typeof INVARIANT)[];
}

const tamperings: Tampering[] = [
  {
    what: 'a cached available balance is raised by one',
    sql: 'update ledger_accounts set available = available + 1 where member_id = $1',
    values: (s) => [s.member],
    breaks: ['balances', 'lots'],
  },
  {
    what: 'a cached pending balance is raised by one',
    sql: 'update ledger_accounts set pending = pending + 1 where member_id = $1',
    values: (s) => [s.member],
    breaks: ['balances', 'holds'],
  },
  {
    what: "a credit's member posting is deleted",
    sql: `delete from ledger_postings where member_id = $1 and journal_id = $2 and account = 'member:available'`,
    values: (s) => [s.member, s.earned],
    breaks: ['zeroSum', 'deltas', 'balances'],
  },
  {
    what: "every posting of a credit is deleted",
    sql: 'delete from ledger_postings where member_id = $1 and journal_id = $2',
    values: (s) => [s.member, s.earned],
    breaks: ['postingsExist', 'balances'],
  },
  {
    what: "a transaction's recorded delta is changed",
    sql: 'update ledger_journal set available_delta = available_delta + 1 where member_id = $1 and id = $2',
    values: (s) => [s.member, s.redeemed],
    breaks: ['deltas'],
  },
  {
    what: 'a lot gains points no allocation put there',
    sql: `update ledger_lots set remaining = remaining + 5 where member_id = $1 and expires_at = 'infinity'`,
    values: (s) => [s.member],
    breaks: ['lots', 'allocations'],
  },
  {
    what: 'points move from one lot to another',
    sql: `update ledger_lots set remaining = remaining + case when expires_at = 'infinity' then 5 else -5 end
          where member_id = $1 and (expires_at = 'infinity' or expires_at = $2)`,
    values: (s) => [s.member, day(30).toString()],
    breaks: ['allocations'],
  },
  {
    what: "a lot's expired counter is changed",
    sql: 'update ledger_lots set expired = expired + 1 where member_id = $1 and expires_at = $2',
    values: (s) => [s.member, day(5).toString()],
    breaks: ['allocations'],
  },
  {
    what: "a clawback's permission to go negative is withdrawn",
    sql: 'update ledger_journal set allow_negative = false where member_id = $1',
    values: (s) => [s.debtor],
    breaks: ['negative'],
  },
  {
    what: "a hold's confirmed counter is raised",
    sql: 'update ledger_holds set confirmed = confirmed + 1 where member_id = $1 and journal_id = $2',
    values: (s) => [s.member, s.held],
    breaks: ['holds', 'counters'],
  },
  {
    what: "a debit's reversed counter is raised",
    sql: 'update ledger_journal set reversed = reversed + 1 where member_id = $1 and id = $2',
    values: (s) => [s.member, s.redeemed],
    breaks: ['counters'],
  },
];

describeStorage('ledger verify', (ctx) => {
  let subject: Subject | undefined;
  const theSubject = (): Subject => {
    assert.ok(subject, 'the subject was built');
    return subject;
  };

  before(async () => {
    subject = await buildSubject(ctx.db);
  });

  it('a ledger that went through every kind of transaction has no violations', async () => {
    assert.deepEqual(await verifyLedger(ctx.db), []);
  });

  tamperings.forEach((t, n) => {
    it(`${t.what}: verify names ${t.breaks.join(', ')}`, async () => {
      const s = theSubject();
      const found = await violationsAfter(ctx.db, async (tx) => {
        await tx.query(statement(`test.tamper.${n}`, t.sql), t.values(s));
      });
      assert.deepEqual(
        found.map((v) => v.invariant).sort(),
        t.breaks.map((b) => INVARIANT[b]).sort(),
      );
      for (const violation of found) {
        assert.ok(violation.rows.length > 0, `${violation.invariant} shows the rows that break it`);
        const named = JSON.stringify(violation.rows);
        assert.ok(named.includes(s.member) || named.includes(s.debtor), `${violation.invariant} names the member`);
      }
      assert.deepEqual(await verifyLedger(ctx.db), [], 'the tampering was rolled back');
    });
  });

  it('every invariant verify knows is caught by at least one tampering above', () => {
    const caught = new Set(tamperings.flatMap((t) => t.breaks.map((b) => INVARIANT[b])));
    assert.deepEqual([...invariants].sort(), [...caught].sort());
  });
});
