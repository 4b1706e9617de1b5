import { request, type ClientRequest } from 'node:http';

export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
}

/** A minimal server-sent-events reader for the tests: records every event and comment line. */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  private buffer = '';
  private req: ClientRequest | undefined;
  private ended = false;

  static open(url: string, token: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      client.req = request(url, { headers: { accept: 'text/event-stream', authorization: `Bearer ${token}`, ...headers } }, (res) => {
        client.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('end', () => (client.ended = true));
        res.on('close', () => (client.ended = true));
        resolve(client);
      });
      client.req.on('error', (err) => (client.ended ? undefined : reject(err)));
      client.req.end();
    });
  }

  get closed(): boolean {
    return this.ended;
  }

  /** The events of one type, with their data parsed. */
  of<T = { seq: number; type: string; data: Record<string, unknown> }>(type: string): T[] {
    return this.events.filter((e) => e.event === type).map((e) => JSON.parse(e.data) as T);
  }

  close(): void {
    this.ended = true;
    this.req?.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let id: string | undefined;
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) this.events.push({ id, event, data: data.join('\n') });
    }
  }
}
