import type { Contract } from '../../members/index.js';
import { endContract, recordContract } from '../../members/index.js';
import type { EventData } from './types.js';
import type { Handler } from './handlers.js';
import { forfeitIfConfigured } from './post.js';
import { reject } from './rejection.js';

/** contract.started / contract.changed: the contract as upstream now describes it. */
export const contractRecorded: Handler = async (tx, { memberId, event }) => {
  const data = event.data as EventData<'contract.started'>;
  if (event.type === 'contract.started' && !data.type) reject('invalid_event', 'data.type: a started contract needs its type');
  await recordContract(tx, memberId, data, event.occurredAt);
  return { points: 0 };
};

/**
 * contract.cancelled / contract.converted. FL-10: when the program says so, cancelling or
 * converting forfeits every point at once. The forfeit's key names the contract, so the forfeit
 * job and a resent event never forfeit twice.
 */
export const contractEnded: Handler = async (tx, input, ctx) => {
  const { memberId, event } = input;
  const data = event.data as EventData<'contract.cancelled'>;
  const status = event.type === 'contract.cancelled' ? 'cancelled' : 'converted';
  const ended: Contract | undefined = await endContract(tx, memberId, data.contractId, status, event.occurredAt);
  if (!ended) reject('unknown_contract', `The member has no active contract ${data.contractId}`);
  return forfeitIfConfigured(
    tx,
    input,
    { key: `forfeit:${data.contractId}:${status}`, reason: `FL-10: contract ${data.contractId} ${status}`, cause: 'FL-10', metadata: { contractId: data.contractId } },
    ctx,
  );
};
