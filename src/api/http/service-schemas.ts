import { Type, type TSchema } from '@sinclair/typebox';

/** Schemas of the technician's routes (src/api/http/routes/service.ts): posctl console's screens. */

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const DeviceReportSchema = Type.Object({
  kind: Type.Union([Type.Literal('printer'), Type.Literal('scanner'), Type.Literal('nfc'), Type.Literal('gpio')]),
  uri: Type.String(),
  state: Type.String({ description: 'ready, degraded, connecting, failed or stopped' }),
  reason: nullable(Type.String({ description: 'What a technician can act on (set when not ready).' })),
  since: Type.Integer({ description: 'Epoch ms of the last change.' }),
  link: nullable(Type.String({ description: 'The serial or HID link: open, connecting, disconnected, closed.' })),
  firmware: nullable(Type.String({ description: "The NFC chip's firmware; the printer's profile." })),
  paper: nullable(Type.Union([Type.Literal('ok'), Type.Literal('near_end'), Type.Literal('out')])),
});

export const DevicesAnswer = Type.Object({ devices: Type.Array(DeviceReportSchema) });

export const SelfTestAnswer = Type.Object(
  {
    test: Type.Union(['printer', 'scanner', 'nfc', 'gpio', 'acquirer'].map((t) => Type.Literal(t))),
    ok: Type.Boolean(),
    code: nullable(Type.String({ description: 'Null when ok: not_configured, not_ready, paper_out, timeout, unreachable, server_error, failed.' })),
    reason: nullable(Type.String()),
    ms: Type.Integer({ minimum: 0 }),
    detail: Type.Record(Type.String(), Type.Unknown(), {
      description: 'printer: job, health; scanner: text, length, symbology, source, kind; nfc: uid, type, atqa, sak, randomUid; gpio: lights, buzzer, drawer; acquirer: url, latencyMs, status.',
    }),
  },
  { description: 'A self-test that ran: ok, or a failure with its code and reason (HTTP 200 either way).' },
);

export const WaitBody = Type.Object(
  { timeoutS: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, default: 30, description: 'How long to wait for the scan or the card (default 30 s).' })) },
  { additionalProperties: false },
);

export const QueueAnswer = Type.Object({
  state: Type.String({ description: "Settlement's state (idle, draining, waiting, halted...), or no_acquirer." }),
  unsettledCount: Type.Integer({ minimum: 0 }),
  unsettled: Type.Array(Type.Object({ asset: Type.String(), count: Type.Integer(), net: Type.Integer({ description: 'Minor units.' }) })),
  oldest: nullable(Type.Object({ seq: Type.Integer(), ageMs: Type.Integer() })),
  pendingUpload: Type.Integer({ minimum: 0 }),
  settledThrough: Type.Integer(),
  lastError: nullable(Type.Object({ code: Type.String(), message: Type.String(), at: Type.Integer() })),
  deadLetters: Type.Array(Type.Object({ seq: Type.Integer(), reason: Type.String() })),
  pendingReversals: Type.Array(
    Type.Object({ id: Type.String(), amount: nullable(Type.Integer()), asset: nullable(Type.String()), method: nullable(Type.String()), createdAt: Type.Integer() }),
  ),
});

export const SettleAnswer = Type.Object({
  ok: Type.Boolean(),
  code: nullable(Type.String()),
  reason: nullable(Type.String()),
  report: nullable(
    Type.Object({ uploadBatches: Type.Integer(), recordsAccepted: Type.Integer(), recordsRejected: Type.Integer(), closes: Type.Integer(), settledThrough: Type.Integer() }),
  ),
  queue: QueueAnswer,
});

export const SettleBody = Type.Object(
  { attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 3, description: 'Failures in a row before giving up.' })) },
  { additionalProperties: false },
);

export const LogQuery = Type.Object(
  { lines: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, default: 100 })) },
  { additionalProperties: false },
);

export const LogAnswer = Type.Object({
  source: Type.String({ description: 'journald (journalctl -u posd) or the log file read.' }),
  lines: Type.Array(Type.String()),
});

export const ConfigAnswer = Type.Object({
  file: nullable(Type.String()),
  config: Type.Unknown({ description: 'posd.json as posd runs it (defaults filled in), with keys, tokens, PINs and secrets replaced by "[redacted]".' }),
});
