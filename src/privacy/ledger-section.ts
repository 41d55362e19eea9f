import { Type } from 'typebox';
import { getBalance, listTransactions, type LedgerTransaction } from '../ledger/index.js';
import { Instant, iso, nullable, section } from './section.js';

const page = 1_000;

async function allTransactions(q: Parameters<typeof listTransactions>[0], memberId: string): Promise<LedgerTransaction[]> {
  const all: LedgerTransaction[] = [];
  let before: string | undefined;
  for (;;) {
    const batch = await listTransactions(q, memberId, { limit: page, before });
    all.push(...batch);
    if (batch.length < page) return all.reverse();
    before = batch[batch.length - 1]?.id;
  }
}

/** ledger/: the balance and every transaction, oldest first. Erasure never touches these. */
export const ledgerSection = section({
  name: 'ledger',
  tables: ['ledger_accounts', 'ledger_journal'],
  schema: Type.Object({
    balance: nullable(Type.Object({ available: Type.Integer(), pending: Type.Integer(), expiring: Type.Array(Type.Object({ points: Type.Integer(), expiresAt: Instant })) })),
    transactions: Type.Array(
      Type.Object({
        id: Type.String(),
        op: Type.String(),
        kind: Type.String(),
        points: Type.Integer({ description: 'Net change to available points' }),
        pendingPoints: Type.Integer({ description: 'Net change to pending points' }),
        occurredAt: Instant,
        recordedAt: Instant,
        reason: nullable(Type.String()),
      }),
    ),
  }),
  async read(q, person, ctx) {
    const balance = await getBalance(q, person.memberId, ctx.now);
    const transactions = await allTransactions(q, person.memberId);
    return {
      balance: balance ?? null,
      transactions: transactions.map((t) => ({
        id: t.id,
        op: t.op,
        kind: t.kind,
        points: t.points,
        pendingPoints: t.pendingPoints,
        occurredAt: iso(t.occurredAt),
        recordedAt: iso(t.recordedAt),
        reason: t.reason,
      })),
    };
  },
});
