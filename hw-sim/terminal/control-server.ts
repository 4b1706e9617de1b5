import Fastify, { type FastifyInstance } from 'fastify';
import { toHex } from '../../src/encoding/hex.js';
import { hardenJson, requireBearer } from '../acquirer/http.js';
import type { PrinterFault } from '../printer/printer-twin.js';
import type { SimulatedTerminal } from './simulated-terminal.js';

const PRINTER_FAULTS: readonly PrinterFault[] = ['paper_near_end', 'paper_out', 'cover_open', 'offline', 'autocutter_error'];

/**
 * HTTP on loopback to act on a simulated terminal's twins from outside: scan a code, tap or
 * remove a card, open the printer's cover, read what it printed. Routes exist for the twins
 * the terminal has. Every route requires `authorization: Bearer <token>`: another local
 * process must not be able to inject a scan (a payment code) into a counter.
 */
export async function startTwinControl(terminal: SimulatedTerminal<never>, host: string, token: string, port = 0): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  hardenJson(app);
  app.addHook('onRequest', requireBearer(token));
  const { scanner, nfc, printer } = terminal.twins;
  if (scanner) {
    app.post<{ Body: { code: string; suffix?: 'cr' | 'crlf' | 'lf' | 'none' } }>(
      '/scanner/scan',
      { schema: { body: { type: 'object', required: ['code'], additionalProperties: false, properties: { code: { type: 'string', minLength: 1, maxLength: 4096 }, suffix: { enum: ['cr', 'crlf', 'lf', 'none'] } } } } },
      async (req) => {
        const receipt = await scanner.scan(req.body.code, req.body.suffix ? { suffix: req.body.suffix } : {});
        return { sent: receipt.sent, delivered: receipt.delivered };
      },
    );
  }
  if (nfc) {
    const walletCount = terminal.cards.wallets.length;
    app.post<{ Body: { card: 'wallet' | 'tag'; index?: number } }>(
      '/nfc/present',
      {
        schema: {
          body: {
            type: 'object',
            required: ['card'],
            additionalProperties: false,
            properties: { card: { enum: ['wallet', 'tag'] }, index: { type: 'integer', minimum: 0, maximum: Math.max(0, walletCount - 1) } },
          },
        },
      },
      async (req, reply) => {
        const card = req.body.card === 'tag' ? terminal.cards.tag : terminal.cards.wallets[req.body.index ?? 0];
        if (!card) return reply.code(404).send({ error: 'no_wallet', message: 'this terminal has no hardware wallet' });
        nfc.enterField(card);
        return { inField: req.body.card, ...(req.body.card === 'wallet' ? { index: req.body.index ?? 0 } : {}) };
      },
    );
    app.post('/nfc/remove', async () => {
      nfc.leaveField();
      return { inField: null };
    });
    const describe = (i: number): { walletId: string; publicKey: string; asset: string; balance: number; counter: number } => {
      const w = terminal.wallets[i]!;
      return { walletId: toHex(w.walletId), publicKey: toHex(w.publicKey), asset: w.asset, balance: w.balance, counter: w.counter };
    };
    app.post<{ Body: { index?: number; cap: number; validForMs?: number } }>(
      '/nfc/wallet/qr',
      {
        schema: {
          body: {
            type: 'object',
            required: ['cap'],
            additionalProperties: false,
            properties: {
              index: { type: 'integer', minimum: 0, maximum: Math.max(0, walletCount - 1) },
              cap: { type: 'integer', minimum: 1, maximum: 1_000_000_000_000 },
              validForMs: { type: 'integer', minimum: 1000, maximum: 600_000 },
            },
          },
        },
      },
      async (req, reply) => {
        const wallet = terminal.wallets[req.body.index ?? 0];
        if (!wallet) return reply.code(404).send({ error: 'no_wallet', message: 'this terminal has no hardware wallet' });
        try {
          return { text: wallet.offlineQr({ cap: req.body.cap, ...(req.body.validForMs !== undefined ? { validForMs: req.body.validForMs } : {}) }) };
        } catch (err) {
          return reply.code(409).send({ error: 'refused', message: (err as Error).message });
        }
      },
    );
    app.get('/nfc/wallet', async (_req, reply) => (walletCount > 0 ? describe(0) : reply.code(404).send({ error: 'no_wallet', message: 'this terminal has no hardware wallet' })));
    app.get('/nfc/wallets', async () => terminal.wallets.map((_, i) => describe(i)));
  }
  if (printer) {
    app.post<{ Body: { fault: PrinterFault; on: boolean } }>(
      '/printer/fault',
      {
        schema: {
          body: { type: 'object', required: ['fault', 'on'], additionalProperties: false, properties: { fault: { enum: [...PRINTER_FAULTS] }, on: { type: 'boolean' } } },
        },
      },
      async (req) => {
        printer.setFault(req.body.fault, req.body.on);
        if (req.body.fault === 'paper_out' && !req.body.on) printer.loadPaper();
        return { conditions: printer.conditions };
      },
    );
    app.get('/printer/text', async (_req, reply) => reply.type('text/plain; charset=utf-8').send(printer.text()));
    app.get('/printer/png', async (_req, reply) => reply.type('image/png').send(printer.png().png));
  }
  await app.listen({ host, port });
  return app;
}
