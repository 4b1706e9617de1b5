import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How a hostile or broken acquirer answers: each is something a real network or server has done. */
export type Misbehaviour =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'text'; status: number; text: string }
  /** A body this many bytes long (JSON-looking, never ending). */
  | { kind: 'huge'; bytes: number }
  /** Promises `length` bytes, sends `sent` of them, then drops the connection. */
  | { kind: 'cut'; text: string; length: number };

/** An HTTP server on loopback that answers every request with `behaviour()`. */
export async function hostileAcquirer(behaviour: () => Misbehaviour): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = { requests: 0 };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      state.requests++;
      const b = behaviour();
      switch (b.kind) {
        case 'json':
          res.writeHead(b.status, { 'content-type': 'application/json' }).end(JSON.stringify(b.body));
          return;
        case 'text':
          res.writeHead(b.status, { 'content-type': 'text/plain' }).end(b.text);
          return;
        case 'huge': {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': b.bytes });
          res.write('{"pad":"');
          const chunk = 'x'.repeat(16 * 1024);
          let sent = 8;
          const more = (): void => {
            while (sent < b.bytes - 2 && !res.destroyed) {
              sent += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', more);
            }
          };
          res.on('error', () => undefined);
          more();
          return;
        }
        case 'cut':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': b.length });
          res.write(b.text, () => res.socket?.destroy());
          return;
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
