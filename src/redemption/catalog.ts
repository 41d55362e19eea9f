import type { Queryable } from '../db/index.js';
import { refusal } from '../errors.js';
import type { Program } from '../programs/index.js';
import type { RewardConfig } from '../programs/schema.js';
import * as sql from './sql.js';
import { valueOf, type Money } from './value.js';

/**
 * FL-3: the catalog is the program's configuration; the database only counts what was taken of
 * each reward with a stock. What is left is the configured stock minus what was taken, so raising
 * `stock` in the program restocks.
 */

export interface RewardListing {
  reward: RewardConfig;
  value: Money;
  /** Null: unlimited. */
  stockLeft: number | null;
}

export async function listRewards(db: Queryable, program: Program): Promise<RewardListing[]> {
  const rows = await db.query<{ reward_id: string; taken: number }>(sql.stockTaken, [program.key]);
  const taken = new Map(rows.map((row) => [row.reward_id, row.taken]));
  return (program.redemption?.catalog ?? []).map((reward) => ({
    reward,
    value: valueOf(program, reward.points),
    stockLeft: reward.stock === undefined ? null : Math.max(reward.stock - (taken.get(reward.id) ?? 0), 0),
  }));
}

/**
 * Takes one of the reward, in the caller's transaction, or refuses `out_of_stock`. The guard is in
 * the write (`redemption_take_stock`): never below zero, at any concurrency. Returns what is left
 * (null for an unlimited reward, which is not counted).
 */
export async function takeOne(tx: Queryable, program: Program, reward: RewardConfig): Promise<number | null> {
  if (reward.stock === undefined) return null;
  const [row] = await tx.query<{ stock_left: number | null }>(sql.takeStock, [program.key, reward.id, reward.stock]);
  if (row === undefined || row.stock_left === null) {
    throw refusal('out_of_stock', `Reward ${reward.id} is out of stock`, { rewardId: reward.id, stockLeft: 0 });
  }
  return row.stock_left;
}
