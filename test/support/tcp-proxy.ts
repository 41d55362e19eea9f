import net from 'node:net';
import { seededRandom } from '../../bench/random.js';

/**
 * RELIABILITY.md C2: a TCP proxy between the app and PostgreSQL that loses connections on purpose.
 * It reads the PostgreSQL wire protocol's framing (a type byte and a length per message) just far
 * enough to know when the client asked the server to commit: a simple query `commit`, or a Sync
 * of an extended-protocol statement outside a transaction block (autocommit). Per such request,
 * with probability `afterCommit`, it forwards the request, lets the server finish it, and cuts
 * both sides just before the reply (ReadyForQuery) would reach the client: the server committed,
 * the client never hears. Per client message, with probability `drop`, it cuts both sides before
 * forwarding it (decided per round trip): whatever was open rolls back. Rates come from a seeded generator, so a failing
 * seed cuts at the same messages again (timing aside).
 */
export interface FaultRates {
  /** Per round trip: cut the connection before forwarding its last message. */
  drop: number;
  /** Per commit-bearing request: cut after the server answered, before the client hears. */
  afterCommit: number;
}

export interface FaultCounts {
  connections: number;
  dropped: number;
  droppedAfterCommit: number;
}

export interface TcpProxy {
  url: string;
  /** New rates and seed; 0 and 0 stops the faults (C3's second phase). */
  setFaults(rates: FaultRates, seed: number): void;
  readonly counts: FaultCounts;
  close(): Promise<void>;
}

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const host = target.hostname;
  const port = Number(target.port || 5432);
  let rates: FaultRates = { drop: 0, afterCommit: 0 };
  let random = seededRandom(1);
  const counts: FaultCounts = { connections: 0, dropped: 0, droppedAfterCommit: 0 };
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    counts.connections += 1;
    const upstream = net.connect(port, host);
    sockets.add(client);
    sockets.add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', cut);
    upstream.on('error', cut);
    client.on('close', cut);
    upstream.on('close', cut);

    // Server status from its last ReadyForQuery: 'I' idle, 'T' in a transaction, 'E' failed.
    let status = 'I';
    let replyDropped = false;
    const fromClient = frames(true, (message, type) => {
      if (client.destroyed) return;
      // Decided per round trip (a simple query, or the Sync that closes an extended-protocol one).
      if ((type === 'S' || type === 'Q') && random() < rates.drop) {
        counts.dropped += 1;
        cut();
        return;
      }
      if (type !== undefined && commits(type, message, status) && random() < rates.afterCommit) replyDropped = true;
      upstream.write(message);
    });
    const fromServer = frames(false, (message, type) => {
      if (upstream.destroyed) return;
      if (type === 'Z') status = String.fromCharCode(message[5] ?? 73);
      if (replyDropped) {
        // Everything of the reply is withheld; once the server says it is ready, it has committed.
        if (type === 'Z') {
          counts.droppedAfterCommit += 1;
          cut();
        }
        return;
      }
      client.write(message);
    });
    client.on('data', fromClient);
    upstream.on('data', fromServer);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy listens on a TCP port');
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);

  return {
    url: url.toString(),
    counts,
    setFaults(next, seed) {
      rates = next;
      random = seededRandom(seed);
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A simple query whose text is COMMIT (or END), or a Sync that ends an autocommit statement. */
function commits(type: string, message: Buffer, status: string): boolean {
  if (type === 'S') return status === 'I';
  if (type !== 'Q') return false;
  const text = message.subarray(5).toString('utf8').replace(/\0$/, '').trim().toLowerCase();
  return text === 'commit' || text === 'end' || (status === 'I' && !text.startsWith('begin'));
}

/**
 * Splits a byte stream into protocol messages. The client's first message (startup or SSL
 * request) has no type byte; every other message is a type byte and a 4-byte length.
 */
function frames(fromClient: boolean, onMessage: (message: Buffer, type: string | undefined) => void): (chunk: Buffer) => void {
  let buffered = Buffer.alloc(0);
  let started = !fromClient;
  return (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      const headerLength = started ? 5 : 4;
      if (buffered.length < headerLength) return;
      const length = started ? buffered.readUInt32BE(1) + 1 : buffered.readUInt32BE(0);
      if (buffered.length < length) return;
      const message = buffered.subarray(0, length);
      buffered = buffered.subarray(length);
      const type = started ? String.fromCharCode(message[0] ?? 0) : undefined;
      // An SSL request (80877103) is answered by one byte and followed by the real startup message.
      if (!started && !(length === 8 && message.readUInt32BE(4) === 80877103)) started = true;
      onMessage(message, type);
    }
  };
}
