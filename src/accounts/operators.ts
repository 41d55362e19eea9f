import type { Temporal } from 'temporal-polyfill';
import type { Db } from '../db/index.js';
import { refusal } from '../errors.js';
import { newId } from '../ids.js';
import type { RequestContext } from './env.js';
import { normaliseEmail } from '../members/index.js';
import { checkPasswordRules, hashPassword } from './passwords.js';
import { endOtherSessions } from './sessions.js';
import * as sql from './sql.js';

export type { Role } from './sql.js';
export const roles = ['support', 'marketing', 'finance', 'admin'] as const;

export interface Operator {
  id: string;
  email: string;
  name: string;
  role: sql.Role;
  createdAt: Temporal.Instant;
  disabledAt: Temporal.Instant | null;
}

const toOperator = (row: sql.OperatorRow): Operator => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  createdAt: row.created_at,
  disabledAt: row.disabled_at,
});

export async function createOperator(
  db: Db,
  input: { email: string; name: string; role: sql.Role; password: string },
  ctx: RequestContext,
): Promise<Operator> {
  const email = normaliseEmail(input.email);
  await checkPasswordRules(input.password, [email, input.name]);
  const passwordHash = await hashPassword(input.password);
  const [row] = await db.query<sql.OperatorRow>(sql.insertOperator, [newId('opr'), email, input.name, input.role, passwordHash, ctx.now.toString(), ctx.actor]);
  if (!row) throw refusal('operator_exists', `An operator with email ${email} already exists`);
  return toOperator(row);
}

export async function getOperator(db: Db, id: string): Promise<Operator | undefined> {
  const [row] = await db.query<sql.OperatorRow>(sql.getOperator, [id]);
  return row && toOperator(row);
}

export async function listOperators(db: Db): Promise<Operator[]> {
  return (await db.query<sql.OperatorRow>(sql.listOperators)).map(toOperator);
}

/** Disabling ends the operator's sessions at once; the record stays, for the actors it names. */
export async function disableOperator(db: Db, id: string, ctx: RequestContext): Promise<Operator> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<sql.OperatorRow>(sql.disableOperator, [id, ctx.now.toString()]);
    if (!row) throw refusal('not_found', `There is no operator ${id}`);
    await endOtherSessions(tx, id, null, ctx.now);
    return toOperator(row);
  });
}
