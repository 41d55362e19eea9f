import type { Queryable } from '../db/index.js';
import { toRedemption, type Redemption } from './redemption.js';
import * as sql from './sql.js';
import type { RedemptionRow } from './sql.js';

/** Newest first. `before` is the id of the last redemption of the previous page (keyset pagination). */
export async function listRedemptions(
  db: Queryable,
  memberId: string,
  page: { limit: number; before?: string | undefined },
): Promise<Redemption[]> {
  const rows = await db.query<RedemptionRow>(sql.list, [memberId, page.before ?? null, page.limit]);
  return rows.map(toRedemption);
}
