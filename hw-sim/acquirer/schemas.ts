const TERMINAL = { type: 'string', pattern: '^[0-9a-f]{16}$' } as const;
const KEY = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } as const;
const RECORD = { type: 'object', required: ['seq'], properties: { seq: { type: 'integer', minimum: 0 } } } as const;

export const MAX_BATCH_RECORDS = 10_000;

export const params = {
  type: 'object',
  required: ['terminal', 'key'],
  properties: { terminal: TERMINAL, key: KEY },
} as const;

export const uploadBody = {
  type: 'object',
  additionalProperties: false,
  required: ['v', 'terminal', 'batch', 'publicKey', 'records'],
  properties: {
    v: { const: 1 },
    terminal: TERMINAL,
    batch: KEY,
    publicKey: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    records: { type: 'array', minItems: 1, maxItems: MAX_BATCH_RECORDS, items: RECORD },
  },
} as const;

export const closeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['v', 'terminal', 'close', 'from', 'through', 'checkpoint', 'totals'],
  properties: {
    v: { const: 1 },
    terminal: TERMINAL,
    close: KEY,
    from: { type: 'integer', minimum: 0 },
    through: { type: 'integer', minimum: 1 },
    checkpoint: RECORD,
    totals: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          required: ['n', 'amount'],
          properties: { n: { type: 'integer', minimum: 0 }, amount: { type: 'integer', minimum: 0 } },
        },
      },
    },
  },
} as const;
