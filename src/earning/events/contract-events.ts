import { applyContractEvent } from '../../campaigns/index.js';
import type { Contract } from '../../members/index.js';
import { endContract, getContract, recordContract } from '../../members/index.js';
import type { EventData } from './types.js';
import type { Handler, HandlerInput } from './handlers.js';
import { forfeitIfConfigured } from './post.js';
import { reject } from './rejection.js';

/** contract.started / contract.changed: the contract as upstream now describes it. */
export const contractRecorded: Handler = async (tx, input, ctx) => {
  const { memberId, event } = input;
  const data = event.data as EventData<'contract.started'>;
  if (event.type === 'contract.started' && !data.type) reject('invalid_event', 'data.type: a started contract needs its type');
  const previous = await getContract(tx, memberId, data.contractId);
  const contract = await recordContract(tx, memberId, data, event.occurredAt);
  const ended = await campaignsSee(tx, input, previous, contract, ctx);
  return { points: 0, ...ended };
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
  const previous = await getContract(tx, memberId, data.contractId);
  const ended: Contract | undefined = await endContract(tx, memberId, data.contractId, status, event.occurredAt);
  if (!ended) reject('unknown_contract', `The member has no active contract ${data.contractId}`);
  const campaigns = await campaignsSee(tx, input, previous, ended, ctx);
  const outcome = await forfeitIfConfigured(
    tx,
    input,
    { key: `forfeit:${data.contractId}:${status}`, reason: `FL-10: contract ${data.contractId} ${status}`, cause: 'FL-10', metadata: { contractId: data.contractId } },
    ctx,
  );
  return { ...outcome, ...campaigns };
};

/** GG-7, GG-8: a contract event may end the campaign benefits of its line (and of the family's lines). */
async function campaignsSee(
  tx: Parameters<Handler>[0],
  input: HandlerInput,
  previous: Contract | undefined,
  contract: Contract,
  ctx: Parameters<Handler>[2],
): Promise<{ campaignApplicationsEnded?: string[] }> {
  const { program, memberId, event } = input;
  const ended = await applyContractEvent(tx, { program, memberId, type: event.type, data: event.data, occurredAt: event.occurredAt, previous, contract }, ctx);
  return ended.length === 0 ? {} : { campaignApplicationsEnded: ended.map((a) => a.id) };
}
