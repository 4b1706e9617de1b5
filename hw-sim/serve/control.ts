import Fastify, { type FastifyInstance } from 'fastify';
import { toHex } from '../../src/encoding/hex.js';
import type { PrinterFault } from '../printer/printer-twin.js';
import type { SerialTwins } from './twins.js';

/** HTTP on loopback to act on the twins from outside: scan a code, tap or remove a card. */
export async function startTwinControl(twins: SerialTwins, host: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.post<{ Body: { code: string; suffix?: 'cr' | 'crlf' | 'lf' | 'none' } }>(
    '/scanner/scan',
    { schema: { body: { type: 'object', required: ['code'], additionalProperties: false, properties: { code: { type: 'string', minLength: 1, maxLength: 4096 }, suffix: { enum: ['cr', 'crlf', 'lf', 'none'] } } } } },
    async (req) => {
      const receipt = await twins.scanner.scan(req.body.code, req.body.suffix ? { suffix: req.body.suffix } : {});
      return { sent: receipt.sent, delivered: receipt.delivered };
    },
  );
  app.post<{ Body: { card: 'wallet' | 'tag' } }>(
    '/nfc/present',
    { schema: { body: { type: 'object', required: ['card'], additionalProperties: false, properties: { card: { enum: ['wallet', 'tag'] } } } } },
    async (req) => {
      twins.nfc.enterField(twins.cards[req.body.card]);
      return { inField: req.body.card };
    },
  );
  app.post('/nfc/remove', async () => {
    twins.nfc.leaveField();
    return { inField: null };
  });
  app.post<{ Body: { fault: PrinterFault; on: boolean } }>(
    '/printer/fault',
    {
      schema: {
        body: {
          type: 'object',
          required: ['fault', 'on'],
          additionalProperties: false,
          properties: { fault: { enum: ['paper_near_end', 'paper_out', 'cover_open', 'offline', 'autocutter_error'] }, on: { type: 'boolean' } },
        },
      },
    },
    async (req) => {
      twins.printer.setFault(req.body.fault, req.body.on);
      if (req.body.fault === 'paper_out' && !req.body.on) twins.printer.loadPaper();
      return { conditions: twins.printer.conditions };
    },
  );
  app.get('/printer/text', async (_req, reply) => reply.type('text/plain; charset=utf-8').send(twins.printer.text()));
  app.get('/printer/png', async (_req, reply) => reply.type('image/png').send(twins.printer.png().png));
  app.get('/nfc/wallet', async () => ({ walletId: toHex(twins.wallet.walletId), publicKey: toHex(twins.wallet.publicKey) }));
  await app.listen({ host, port: 0 });
  return app;
}
