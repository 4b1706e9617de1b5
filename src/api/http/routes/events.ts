import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { LoggedEvent } from '../events/event-log.js';
import { PUBLIC_EVENT_TYPES } from '../events/event-log.js';
import { accepts, errorResponses } from '../route-kit.js';
import { EventsQuery } from '../schemas.js';

const ANY = accepts('register', 'counter', 'technician');
/** A client that lets this much pile up unread is cut off; it reconnects with Last-Event-ID and replays. */
const MAX_UNREAD_BYTES = 1024 * 1024;

const EventSchema = Type.Object({
  seq: Type.Integer({ description: 'Grows by one per event within a stream.' }),
  type: Type.Union(PUBLIC_EVENT_TYPES.map((t) => Type.Literal(t))),
  at: Type.Integer({ description: 'When published (epoch ms).' }),
  data: Type.Unknown({ description: 'payment.updated: { payment } as GET /v1/payments/{id}; see docs/ecr-api.md for each type.' }),
});

const EventsAnswer = Type.Object({
  streamId: Type.String({ description: 'Changes when posd restarts: a cursor from another stream is reset.' }),
  headSeq: Type.Integer(),
  events: Type.Array(EventSchema),
});

/** `<streamId>.<seq>`, the SSE id of every event. */
function parseLastEventId(text: string): { streamId: string; after: number } | 'bad' {
  const match = /^([0-9a-f]{12})\.(\d{1,15})$/.exec(text);
  return match ? { streamId: match[1]!, after: Number(match[2]) } : 'bad';
}

export function eventRoutes(app: FastifyInstance, ctx: ApiContext): { closeStreams(): void; open(): number } {
  const { events } = ctx;
  const streams = new Set<ServerResponse>();

  app.get(
    '/v1/events',
    {
      config: ANY.config,
      schema: {
        summary: 'Events: server-sent events, or a JSON page of the replay window',
        description:
          `${ANY.scopesNote} With Accept: text/event-stream, a stream of events (SSE): each has id <streamId>.<seq>, event <type> and data {seq,type,at,data}; a comment line every heartbeat. ` +
          'Reconnecting with Last-Event-ID (or ?after=N) replays what was missed from the window (the last 1000 events); a cursor the window no longer holds, or one from before a restart, gets an event of type reset: read the state again (GET the payment, GET /v1/status) and go on. ' +
          'Without Accept: text/event-stream, a JSON page of the events after ?after=N (default 0), or 410 cursor_expired. No event follows a payment\'s final state for that payment. pairing.code only reaches counter and technician tokens.',
        tags: ['events'],
        security: ANY.security,
        querystring: EventsQuery,
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 200: EventsAnswer, ...errorResponses(410, 503) },
      },
    },
    async (request, reply) => {
      const { after } = request.query as Static<typeof EventsQuery>;
      const staff = request.client!.scope !== 'register';
      const visible = (event: LoggedEvent): boolean => event.audience === 'all' || staff;
      const lastEventId = request.headers['last-event-id'];
      const cursor = typeof lastEventId === 'string' && lastEventId !== '' ? parseLastEventId(lastEventId) : after !== undefined ? { after, streamId: undefined } : undefined;

      if (!(request.headers.accept ?? '').includes('text/event-stream')) {
        const from = cursor === 'bad' ? undefined : (cursor ?? { after: 0, streamId: undefined });
        const replay = from ? events.since(from.after, from.streamId) : ({ kind: 'reset', reason: 'other_stream' } as const);
        if (replay.kind === 'reset') {
          throw new ApiError('cursor_expired', `the events after that cursor are no longer kept (stream ${events.streamId}, head ${events.headSeq}): read the state again, then ask for events after ${events.headSeq}`);
        }
        const body = `{"streamId":"${events.streamId}","headSeq":${events.headSeq},"events":[${replay.events.filter(visible).map((e) => e.json).join(',')}]}`;
        return reply.type('application/json; charset=utf-8').send(body);
      }

      if (streams.size >= ctx.maxStreams) throw new ApiError('too_many_connections', `${ctx.maxStreams} event streams are open: close one, or poll with Accept: application/json`);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      streams.add(res);
      const send = (text: string): void => {
        if (res.writableLength > MAX_UNREAD_BYTES) {
          res.destroy();
          return;
        }
        res.write(text);
      };
      const write = (event: LoggedEvent): void => {
        if (visible(event)) send(`id: ${events.streamId}.${event.seq}\nevent: ${event.type}\ndata: ${event.json}\n\n`);
      };
      send(`retry: 2000\n: stream ${events.streamId} head ${events.headSeq}\n\n`);
      if (cursor !== undefined) {
        const replay = cursor === 'bad' ? ({ kind: 'reset', reason: 'other_stream' } as const) : events.since(cursor.after, cursor.streamId);
        if (replay.kind === 'reset') {
          const data = JSON.stringify({ reason: replay.reason, streamId: events.streamId, headSeq: events.headSeq });
          send(`id: ${events.streamId}.${events.headSeq}\nevent: reset\ndata: ${data}\n\n`);
        } else {
          for (const event of replay.events) write(event);
        }
      }
      const unsubscribe = events.subscribe(write);
      const heartbeat = setInterval(() => send(': heartbeat\n\n'), ctx.heartbeatMs);
      heartbeat.unref();
      res.once('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(res);
      });
    },
  );

  return {
    open: () => streams.size,
    closeStreams() {
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}
