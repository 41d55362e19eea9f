import { isSuccess, send, type Exchange } from './http.js';
import type { MailView } from './mail.js';
import { match, type Mismatch } from './match.js';
import type { BalanceExpectationData, MailExpectationData, ResponseExpectationData, TransactionsExpectationData } from './schema.js';
import { memberId } from './steps.js';
import { substitute, type Names } from './substitute.js';
import type { World } from './world.js';

/** One request of a step, or the mail a mail step read, and what did not match in it. */
export type Check = { exchange: Exchange; mismatches: Mismatch[] } | { mail: MailView; mismatches: Mismatch[] };

/** Enough pages for any scenario's history; a runaway list fails instead of looping. */
const maxTransactionPages = 50;
const transactionPageSize = 200;

/**
 * The step's own response against `expect`. Without `status`, any 2xx passes; a wrong status
 * is the one mismatch reported, since a body of the wrong kind would only add noise.
 */
export function checkResponse(exchange: Exchange, expect: ResponseExpectationData | undefined, names: Names): Check {
  const { status, body } = exchange;
  if (expect?.status === undefined ? !isSuccess(status) : status !== expect.status) {
    return { exchange, mismatches: [{ path: 'status', message: `expected ${expect?.status ?? '2xx'}, got ${status}` }] };
  }
  if (!expect) return { exchange, mismatches: [] };
  const against = (expected: unknown, actual: unknown, path: string) =>
    expected === undefined ? [] : match(substitute(expected, names), actual, path);
  const mismatches = [
    ...against(expect.code, field(body, 'code'), 'body.code'),
    ...against(expect.body, body, 'body'),
    ...against(expect.results, field(body, 'results'), 'body.results'),
    ...against(lowerKeys(expect.headers), exchange.headers, 'headers'),
  ];
  return { exchange, mismatches };
}

/** The mail a mail step read against its `expect` (the keys of the mail; `balance` and `transactions` are checked apart). */
export function checkMail(mail: MailView, expect: MailExpectationData | undefined, names: Names): Check {
  const { balance: _balance, transactions: _transactions, ...expected } = expect ?? {};
  return { mail, mismatches: match(substitute(expected, names), mail, 'mail') };
}

/** The balance as GET …/balance answers it, on the keys the expectation names. */
export async function checkBalance(world: World, expect: BalanceExpectationData, names: Names): Promise<Check> {
  const { member, asOf, ...expected } = expect;
  const query = asOf === undefined ? '' : `?asOf=${encodeURIComponent(asOf)}`;
  const exchange = await send(world, { method: 'GET', path: `/v1/members/${encodeURIComponent(memberId(member, names))}/balance${query}` });
  if (exchange.status !== 200) return { exchange, mismatches: [{ path: 'balance', message: `the balance request answered ${exchange.status}` }] };
  return { exchange, mismatches: match(substitute(expected, names), exchange.body, 'balance') };
}

/** Every transaction of the member, newest first as the API lists them, following the cursor. */
export async function checkTransactions(world: World, expect: TransactionsExpectationData, names: Names): Promise<Check> {
  const base = `/v1/members/${encodeURIComponent(memberId(expect.member, names))}/transactions?limit=${transactionPageSize}`;
  const items: unknown[] = [];
  let exchange = await send(world, { method: 'GET', path: base });
  for (let page = 1; ; page++) {
    if (exchange.status !== 200) {
      return { exchange, mismatches: [{ path: 'transactions', message: `the transactions request answered ${exchange.status}` }] };
    }
    const pageItems = field(exchange.body, 'items');
    items.push(...(Array.isArray(pageItems) ? pageItems : []));
    const cursor = field(exchange.body, 'nextCursor');
    if (typeof cursor !== 'string') break;
    if (page >= maxTransactionPages) {
      return { exchange, mismatches: [{ path: 'transactions', message: `more than ${maxTransactionPages} pages of transactions` }] };
    }
    exchange = await send(world, { method: 'GET', path: `${base}&cursor=${encodeURIComponent(cursor)}` });
  }
  const mismatches = [
    ...(expect.count === undefined || expect.count === items.length
      ? []
      : [{ path: 'transactions.count', message: `expected ${expect.count}, got ${items.length}` }]),
    ...(expect.items === undefined ? [] : match(substitute(expect.items, names), items, 'transactions.items')),
  ];
  // The report shows what was compared: the whole list, not the last page.
  return { exchange: { ...exchange, body: { items } }, mismatches };
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Reflect.get(value, key) : undefined;
}

/** Response header names are lowercase; an expectation may write them as it likes. */
function lowerKeys(headers: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return headers && Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
