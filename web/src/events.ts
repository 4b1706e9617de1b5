/**
 * The API's event stream, read with fetch (EventSource cannot send the Authorization header):
 * server-sent events parsed by hand, and on a drop reconnected with Last-Event-ID so the missed
 * events are replayed (a `reset` event says to read the state again).
 */
export interface ApiEvent {
  type: string;
  data: unknown;
}

export interface StreamHandlers {
  onEvent(event: ApiEvent): void;
  /** Connected (again): read the state, events from now on are not missed. */
  onOpen(): void;
  onDrop(): void;
  onUnauthorized(): void;
}

/** `base`: the API's origin; '' (the page's own) in the browser. */
export function openEventStream(token: string, handlers: StreamHandlers, base = ''): () => void {
  let lastId = '';
  let stopped = false;
  let controller: AbortController | undefined;
  let retryMs = 1000;

  const connect = async (): Promise<void> => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream', authorization: `Bearer ${token}` };
        if (lastId) headers['last-event-id'] = lastId;
        const res = await fetch(`${base}/v1/events`, { headers, signal: controller.signal });
        if (res.status === 401) {
          handlers.onUnauthorized();
          return;
        }
        if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
        retryMs = 1000;
        handlers.onOpen();
        await readStream(res.body, (id, type, data) => {
          if (id) lastId = id;
          let parsed: unknown = null;
          try {
            parsed = JSON.parse(data);
          } catch {
            return;
          }
          const body = parsed as { data?: unknown } | null;
          handlers.onEvent({ type, data: type === 'reset' ? parsed : body?.data });
        });
      } catch {
        // dropped or refused: reconnect below
      }
      if (stopped) return;
      handlers.onDrop();
      await new Promise((resolve) => setTimeout(resolve, retryMs));
      retryMs = Math.min(retryMs * 2, 5000);
    }
  };
  void connect();
  return () => {
    stopped = true;
    controller?.abort();
  };
}

async function readStream(body: ReadableStream<Uint8Array>, dispatch: (id: string, type: string, data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let id = '';
  let type = 'message';
  let data: string[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.search(/\r?\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(buffer[newline] === '\r' ? newline + 2 : newline + 1);
      if (line === '') {
        if (data.length > 0) dispatch(id, type, data.join('\n'));
        type = 'message';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    }
  }
}
