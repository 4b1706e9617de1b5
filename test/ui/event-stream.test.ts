import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStream, type ApiEvent } from '../../web/src/events.js';
import { until } from '../support/wait.js';

const closers: (() => void)[] = [];
afterEach(() => {
  while (closers.length) closers.pop()!();
});

/** An SSE server that sends events 1..n and drops the connection after `dropAfter` of them; it records each request's Last-Event-ID. */
async function sseServer(total: number, dropAfter: number): Promise<{ base: string; lastIds: (string | undefined)[]; auth: (string | undefined)[] }> {
  const lastIds: (string | undefined)[] = [];
  const auth: (string | undefined)[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    lastIds.push(req.headers['last-event-id'] as string | undefined);
    auth.push(req.headers.authorization);
    if (req.headers.authorization !== 'Bearer good') {
      res.writeHead(401).end();
      return;
    }
    const after = Number((req.headers['last-event-id'] as string | undefined)?.split('.')[1] ?? 0);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('retry: 2000\n: stream s1 head 0\n\n');
    let sent = 0;
    for (let seq = after + 1; seq <= total; seq++) {
      // A line split over two writes, CRLF line ends, and a multi-line data field: the parser copes.
      res.write(`id: s1.${seq}\r\nevent: sale.item\r\n`);
      const drop = ++sent === dropAfter && seq < total;
      // A drop mid-stream: the connection cut once what was written has gone out.
      res.write(`data: {"seq":${seq},"type":"sale.item","data":{"n":${seq}}}\r\n\r\n: heartbeat\n\n`, () => drop && res.destroy());
      if (drop) return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lastIds, auth };
}

describe("the counter screen's event stream (fetch, as browsers cannot send a token with EventSource)", () => {
  it('sends the token, and on a drop reconnects with Last-Event-ID: every event once, in order', async () => {
    const server = await sseServer(5, 2);
    const events: ApiEvent[] = [];
    let opened = 0;
    let dropped = 0;
    const stop = openEventStream('good', { onEvent: (e) => events.push(e), onOpen: () => opened++, onDrop: () => dropped++, onUnauthorized: () => undefined }, server.base);
    closers.push(stop);
    await until(() => events.length === 5, 'five events', 10_000).catch((err: Error) => {
      throw new Error(`${err.message}: got ${JSON.stringify(events)}; ids ${JSON.stringify(server.lastIds)}; opened ${opened}, dropped ${dropped}`);
    });
    expect(events.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4, 5]);
    expect(events.every((e) => e.type === 'sale.item')).toBe(true);
    expect(server.lastIds.slice(0, 3)).toEqual([undefined, 's1.2', 's1.4']);
    expect(server.auth.every((a) => a === 'Bearer good')).toBe(true);
    expect(opened).toBeGreaterThanOrEqual(3);
    expect(dropped).toBeGreaterThanOrEqual(2);
  });

  it('a token the terminal does not know stops the stream and says so (the screen logs in again)', async () => {
    const server = await sseServer(1, 1);
    let unauthorized = 0;
    const stop = openEventStream('revoked', { onEvent: () => undefined, onOpen: () => undefined, onDrop: () => undefined, onUnauthorized: () => unauthorized++ }, server.base);
    closers.push(stop);
    await until(() => unauthorized === 1, 'told', 10_000);
    expect(server.lastIds).toHaveLength(1);
  });
});
