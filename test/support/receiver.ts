import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP receiver on an ephemeral port: it keeps every request, and answers each path with
 * the statuses queued for it (`answers`), then with `otherwise` (default 200); `silent` paths never answer.
 */
export async function startReceiver() {
  const receiver = {
    url: '',
    received: [] as Received[],
    answers: new Map<string, number[]>(),
    otherwise: new Map<string, number>(),
    silent: new Set<string>(),
    at: (path: string) => receiver.received.filter((r) => r.path === path),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      receiver.received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (receiver.silent.has(path)) return;
      const status = receiver.answers.get(path)?.shift() ?? receiver.otherwise.get(path) ?? 200;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

export async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 10) {
    assert.ok(waited < 10_000, `timed out waiting until ${what}`);
    await sleep(10);
  }
}
