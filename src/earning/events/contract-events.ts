import type { Contract } from '../../members/index.js';
import { endContract, recordContract } from '../../members/index.js';
import type { EventData } from './types.js';
import type { Handler } from './handlers.js';
import { postForEvent } from './post.js';
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
export const contractEnded: Handler = async (tx, { program, memberId, event }, ctx) => {
  const data = event.data as EventData<'contract.cancelled'>;
  const status = event.type === 'contract.cancelled' ? 'cancelled' : 'converted';
  const ended: Contract | undefined = await endContract(tx, memberId, data.contractId, status, event.occurredAt);
  if (!ended) reject('unknown_contract', `The member has no active contract ${data.contractId}`);
  const forfeits = program.earning?.forfeitOn?.some((trigger) => trigger === event.type) ?? false;
  if (!forfeits) return { points: 0 };
  const [forfeited] = await postForEvent(
    tx,
    [
      {
        op: 'forfeit',
        member: memberId,
        key: `forfeit:${data.contractId}:${status}`,
        kind: 'forfeit',
        reason: `FL-10: contract ${data.contractId} ${status}`,
        occurredAt: event.occurredAt,
        actor: ctx.actor,
        metadata: { contractId: data.contractId, event: event.id },
      },
    ],
    ctx.now,
    ['nothing_to_forfeit'],
  );
  return { points: -(forfeited?.points ?? 0), message: forfeited ? `FL-10: ${forfeited.points} points forfeited` : undefined };
};
