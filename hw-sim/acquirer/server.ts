import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import { Signer } from '../../src/crypto/ed25519.js';
import { sha256Hex } from '../../src/crypto/sha256.js';
import { toHex } from '../../src/encoding/hex.js';
import { DEFAULT_ASSETS } from '../../src/protocol/assets.js';
import { RecordFormatError, validateSignedRecord } from '../../src/protocol/record-validate.js';
import { MAX_BATCH_RECORDS, signAck, toRanges, type Ack, type CloseAck, type CloseRequest, type RejectedRecord, type UploadAck, type UploadRequest } from '../../src/protocol/settlement.js';
import { closeSettlement } from './close.js';
import { buildControl } from './control.js';
import { FaultSwitch, type FaultMode, type FaultSpec } from './faults.js';
import { Fleet } from './fleet.js';
import { HttpError, hardenJson, type RawBodyRequest } from './http.js';
import { RecordIngest, registerGenesisKey } from './ingest.js';
import { registerProvisioningRoutes } from './provisioning-routes.js';
import { SETTLEMENT_ROUTES } from '../../src/protocol/settlement-routes.js';
import { CloseRequestSchema, PathParams, TerminalParams, UploadRequestSchema } from '../../src/protocol/settlement-schemas.js';
import { openAcquirerStore } from './store.js';
import { issuerKey, type WalletIssuerKey } from '../../src/protocol/wallet/certificate.js';
import { simulatorIssuers } from '../cards/issuer.js';
import { OrderDesk } from './authorization/order-desk.js';
import { registerAuthorizationRoutes } from './authorization/routes.js';

function defaultWalletIssuers(): WalletIssuerKey[] {
  const { CNY, MAT } = simulatorIssuers();
  return [issuerKey('CNY', CNY.publicKey), issuerKey('MAT', MAT.publicKey)];
}

export interface AcquirerOptions {
  dataDir: string;
  host?: string;
  port?: number;
  controlPort?: number;
  assets?: readonly string[];
  /** Clock for acks, profiles and codes (tests). */
  now?: () => number;
  /** The bearer token of the control port (faults, stats, fleet); default a random one, printed at start. */
  operatorToken?: string;
  /** The wallet issuers' keys the acquirer verifies offline wallet payments with (default the simulator's issuers). */
  walletIssuers?: readonly WalletIssuerKey[];
  /** How late a "slow" authorisation answers (docs/authorization-protocol.md section 10); default 15 s. */
  slowAnswerMs?: number;
}

interface Stored {
  status: number;
  response: string;
}

/**
 * The acquirer simulator: a real HTTP server on loopback with its own SQLite store and
 * Ed25519 key. It enrols terminals (docs/provisioning.md) and settles only with them: it
 * verifies every record it is sent, stores batches idempotently, detects double spends across
 * terminals, settles by totals and countersigns checkpoints. A second, control listener takes
 * the operator's bearer token: faults while it runs, stats, and the fleet operations.
 */
export class AcquirerSimulator {
  readonly faults = new FaultSwitch();
  readonly signer: Signer;
  readonly db: Database.Database;
  readonly fleet: Fleet;
  readonly operatorToken: string;
  private readonly app: FastifyInstance;
  private readonly control: FastifyInstance;
  private readonly sockets = new Set<Socket>();
  private readonly assets: ReadonlySet<string>;
  private readonly now: () => number;
  private readonly walletIssuers: readonly WalletIssuerKey[];
  private port = 0;
  private host = '127.0.0.1';
  private refusingNow = false;
  readonly stats = { uploads: 0, closes: 0, replays: 0, conflicts: 0, badRequests: 0, consistencyProofs: 0 };
  /** Orders: authorisation of payment codes, merchant QR orders, reversals, voids, refunds (docs/authorization-protocol.md). */
  readonly orders: OrderDesk;
  /** How late a "slow" authorisation answers; tests set it below or above the terminal's timeout. */
  slowAnswerMs: number;

  private constructor(options: AcquirerOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.signer = loadOrCreateKey(join(options.dataDir, 'acquirer.key'));
    this.db = openAcquirerStore(join(options.dataDir, 'acquirer.db'));
    this.assets = new Set(options.assets ?? DEFAULT_ASSETS.map((a) => a.code));
    this.now = options.now ?? Date.now;
    this.fleet = new Fleet(this.db, this.signer, this.now);
    this.operatorToken = options.operatorToken ?? randomBytes(24).toString('base64url');
    this.walletIssuers = options.walletIssuers ?? defaultWalletIssuers();
    this.orders = new OrderDesk({ db: this.db, signer: this.signer, now: this.now, admitTerminal: (terminal, key) => this.fleet.admitAuthorization(terminal, key) });
    this.slowAnswerMs = options.slowAnswerMs ?? 15_000;
    this.app = this.buildApp();
    this.control = buildControl(this, this.operatorToken);
    registerAuthorizationRoutes(this.app, this.control, this.orders, { slowAnswerMs: () => this.slowAnswerMs });
  }

  /** The customer's app pays a merchant-presented QR (checks its CRC, pays the order it was made for). */
  payMerchantQr(payload: string): ReturnType<OrderDesk['payMerchantQr']> {
    return this.orders.payMerchantQr(payload);
  }

  static async start(options: AcquirerOptions): Promise<AcquirerSimulator> {
    const sim = new AcquirerSimulator(options);
    sim.host = options.host ?? '127.0.0.1';
    await sim.app.listen({ host: sim.host, port: options.port ?? 0 });
    sim.port = (sim.app.server.address() as { port: number }).port;
    await sim.control.listen({ host: sim.host, port: options.controlPort ?? 0 });
    return sim;
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  get controlUrl(): string {
    return `http://${this.host}:${(this.control.server.address() as { port: number }).port}`;
  }

  get publicKey(): Uint8Array {
    return this.signer.publicKey;
  }

  async setFault(spec: FaultSpec | undefined): Promise<void> {
    this.faults.set(spec);
    await this.applyRefusal();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.refusingNow) await this.listenAgain();
    await this.app.close();
    await this.control.close();
    this.db.close();
  }

  /** The latest balanced close ack for a terminal: the countersigned checkpoint to anchor its journal against. */
  latestCheckpoint(terminal: string): CloseAck | undefined {
    const row = this.db.prepare('SELECT ack FROM closes WHERE terminal = ? AND balanced = 1 ORDER BY through DESC LIMIT 1').get(terminal) as { ack: string } | undefined;
    return row ? (JSON.parse(row.ack) as CloseAck) : undefined;
  }

  heldRecords(terminal: string): { seq: number; hash: string; status: string; reason: string | null; kind: string; asset: string | null; amount: number | null }[] {
    return (
      this.db.prepare('SELECT seq, hash, status, reason, kind, asset, amount FROM records WHERE terminal = ? ORDER BY seq').all(terminal) as {
        seq: number;
        hash: Buffer;
        status: string;
        reason: string | null;
        kind: string;
        asset: string | null;
        amount: number | null;
      }[]
    ).map((r) => ({ ...r, hash: r.hash.toString('hex') }));
  }

  settledThrough(terminal: string): number {
    const row = this.db.prepare('SELECT settled_through FROM terminals WHERE id = ?').get(terminal) as { settled_through: number } | undefined;
    return row?.settled_through ?? -1;
  }

  private buildApp(): FastifyInstance {
    const app = Fastify({
      logger: false,
      bodyLimit: 64 * 1024 * 1024,
      ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    });
    app.addHook('onRequest', async (_req, reply) => {
      this.sockets.add(reply.raw.socket!);
    });
    app.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    hardenJson(app, () => this.stats.badRequests++);

    const withFaults = { onRequest: this.faultBeforeProcessing.bind(this), onSend: this.faultAfterProcessing.bind(this) };

    app.post<{ Params: { terminal: string; key: string }; Body: UploadRequest }>(
      SETTLEMENT_ROUTES.upload,
      { schema: { params: PathParams, body: UploadRequestSchema }, ...withFaults },
      async (req, reply) => this.answer(reply, this.handleUpload(req.params.terminal, req.params.key, req.body, (req as RawBodyRequest).rawBody!)),
    );
    app.post<{ Params: { terminal: string; key: string }; Body: CloseRequest }>(
      SETTLEMENT_ROUTES.close,
      { schema: { params: PathParams, body: CloseRequestSchema }, ...withFaults },
      async (req, reply) =>
        this.answer(reply, this.handleClose(req.params.terminal, req.params.key, req.body, (req as RawBodyRequest).rawBody!, (req as FastifyRequest & { fault?: FaultMode }).fault)),
    );
    app.get<{ Params: { terminal: string } }>(SETTLEMENT_ROUTES.checkpoint, { schema: { params: TerminalParams } }, async (req, reply) => {
      const ack = this.latestCheckpoint(req.params.terminal);
      if (!ack) return reply.status(404).send({ error: 'not_found', message: 'no balanced settlement for this terminal' });
      return reply.send(ack);
    });
    app.get(SETTLEMENT_ROUTES.acquirer, async () => ({ keyId: this.signer.keyId, publicKey: toHex(this.signer.publicKey) }));
    registerProvisioningRoutes(app, this.fleet);
    return app;
  }

  /** Numbers the control port reports: request counts, injected faults, and the process's memory. */
  statsSnapshot(): Record<string, unknown> {
    const memory = process.memoryUsage();
    return { ...this.stats, injected: this.faults.injected, fault: this.faults.current ?? null, memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed } };
  }

  private answer(reply: FastifyReply, stored: Stored): FastifyReply {
    return reply.status(stored.status).header('content-type', 'application/json').send(stored.response);
  }

  /** Runs one request in one transaction, keyed for idempotency: the same key and body get the stored answer. */
  private idempotent(terminal: string, key: string, kind: string, rawBody: string, work: () => Ack): Stored {
    const bodySha = sha256Hex(rawBody);
    const run = this.db.transaction((): Stored => {
      const prior = this.db.prepare('SELECT kind, body_sha256, status, response FROM requests WHERE terminal = ? AND key = ?').get(terminal, key) as
        | { kind: string; body_sha256: string; status: number; response: string }
        | undefined;
      if (prior) {
        if (prior.body_sha256 !== bodySha || prior.kind !== kind) {
          this.stats.conflicts++;
          throw new HttpError(409, 'idempotency_conflict', `key ${key} was already used with a different body`);
        }
        this.stats.replays++;
        return { status: prior.status, response: prior.response };
      }
      const response = JSON.stringify(work());
      this.db.prepare('INSERT INTO requests(terminal, key, kind, body_sha256, status, response) VALUES (?, ?, ?, ?, 200, ?)').run(terminal, key, kind, bodySha, response);
      return { status: 200, response };
    });
    return run.immediate();
  }

  private handleUpload(terminal: string, key: string, body: UploadRequest, rawBody: string): Stored {
    if (body.terminal !== terminal || body.batch !== key) throw new HttpError(400, 'bad_request', 'terminal and batch in the body must match the path');
    this.fleet.admitUpload(terminal, body.publicKey);
    this.stats.uploads++;
    return this.idempotent(terminal, key, 'upload', rawBody, () => {
      registerGenesisKey(this.db, terminal, body.publicKey, this.now());
      const now = this.now();
      const ingest = new RecordIngest(this.db, terminal, this.assets, now, this.walletIssuers);
      ingest.preload(body.records);
      const accepted: number[] = [];
      const rejected: RejectedRecord[] = [];
      for (const record of body.records) {
        const outcome = ingest.ingest(record);
        if (outcome.accepted) accepted.push(outcome.seq);
        else rejected.push(outcome.rejection!);
      }
      accepted.sort((a, b) => a - b);
      return signAck<UploadAck>({ v: 1, type: 'upload', terminal, batch: key, body: sha256Hex(rawBody), accepted: toRanges(accepted), rejected, at: now }, this.signer);
    });
  }

  /** Simulates data loss: every other record of the range (and its wallet spend) is forgotten. */
  private forgetEveryOther(terminal: string, from: number, through: number): void {
    this.db.prepare('DELETE FROM wallet_spends WHERE terminal = ? AND seq >= ? AND seq <= ? AND seq % 2 = 1').run(terminal, from, through);
    this.db.prepare('DELETE FROM records WHERE terminal = ? AND seq >= ? AND seq <= ? AND seq % 2 = 1').run(terminal, from, through);
  }

  private handleClose(terminal: string, key: string, body: CloseRequest, rawBody: string, fault: FaultMode | undefined): Stored {
    if (body.terminal !== terminal || body.close !== key) throw new HttpError(400, 'bad_request', 'terminal and close in the body must match the path');
    if (body.through < body.from) throw new HttpError(400, 'bad_request', 'through must not be before from');
    this.fleet.admitClose(terminal);
    checkCheckpointShape(body);
    // A terminal closes only what it uploaded; it can be ahead of what is held by at most one
    // batch lost on the way. Anything further is no journal this acquirer could hold.
    const heldUpTo = (this.db.prepare('SELECT MAX(seq) FROM records WHERE terminal = ?').pluck().get(terminal) as number | null) ?? -1;
    if (body.through > heldUpTo + MAX_BATCH_RECORDS + 1) {
      throw new HttpError(400, 'bad_request', `through ${body.through} is beyond any journal this acquirer could hold for the terminal (it holds records up to seq ${heldUpTo})`);
    }
    this.stats.closes++;
    const loseRecords = fault === 'lose_records';
    return this.idempotent(terminal, key, 'close', rawBody, () => {
      const known = this.db.prepare('SELECT 1 FROM terminals WHERE id = ?').get(terminal);
      if (!known) throw new HttpError(403, 'unknown_terminal', `terminal ${terminal} has never uploaded`);
      if (loseRecords) this.forgetEveryOther(terminal, body.from, body.through - 1);
      const now = this.now();
      const result = closeSettlement(this.db, body, sha256Hex(rawBody), new RecordIngest(this.db, terminal, this.assets, now, this.walletIssuers), now);
      if (body.consistency !== null && !result.problems.some((p) => p.code === 'bad_consistency')) this.stats.consistencyProofs++;
      const ack = signAck<CloseAck>(result, this.signer);
      this.db
        .prepare('INSERT INTO closes(terminal, close_id, from_seq, through, balanced, totals, ack) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(terminal, key, body.from, body.through, ack.balanced ? 1 : 0, JSON.stringify(ack.totals), JSON.stringify(ack));
      return ack;
    });
  }

  private async faultBeforeProcessing(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const kind = req.url.includes('/settlements/') ? 'close' : req.url.includes('/uploads/') ? 'upload' : 'other';
    const fault = this.faults.draw(kind);
    (req as FastifyRequest & { fault?: FaultMode }).fault = fault?.mode;
    if (!fault) return;
    switch (fault.mode) {
      case 'reset':
        req.raw.socket.destroy();
        return;
      case 'error500':
        await reply.status(500).send({ error: 'internal', message: 'simulated server error' });
        return;
      case 'delay':
        await new Promise((r) => setTimeout(r, fault.delayMs));
        return;
      default:
        return;
    }
  }

  private async faultAfterProcessing(req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const fault = (req as FastifyRequest & { fault?: FaultMode }).fault;
    if (reply.statusCode !== 200) return payload;
    switch (fault) {
      case 'commit_drop':
        req.raw.socket.destroy();
        return payload;
      case 'malformed':
        return '{"v":1,"type":"upl';
      case 'bad_signature': {
        const ack = JSON.parse(String(payload)) as Ack;
        const sig = ack.sig;
        return JSON.stringify({ ...ack, sig: (sig[0] === '0' ? '1' : '0') + sig.slice(1) });
      }
      default:
        return payload;
    }
  }

  private async applyRefusal(): Promise<void> {
    const server = this.app.server as Server;
    if (this.faults.refusing && !this.refusingNow) {
      this.refusingNow = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of this.sockets) socket.destroy();
      });
    } else if (!this.faults.refusing && this.refusingNow) {
      await this.listenAgain();
    }
  }

  private async listenAgain(): Promise<void> {
    this.refusingNow = false;
    await new Promise<void>((resolve, reject) => {
      const server = this.app.server as Server;
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }
}

/** The checkpoint a close ends with must be a well-formed checkpoint record at `through`; anything else is a bad request. */
function checkCheckpointShape(body: CloseRequest): void {
  let checkpoint;
  try {
    checkpoint = validateSignedRecord(body.checkpoint);
  } catch (err) {
    if (err instanceof RecordFormatError) throw new HttpError(400, 'bad_request', `checkpoint: ${err.message}`);
    throw err;
  }
  if (checkpoint.kind !== 'checkpoint' || checkpoint.seq !== body.through) {
    throw new HttpError(400, 'bad_request', `the close must carry the checkpoint record at seq ${body.through}, not a ${checkpoint.kind} record at seq ${checkpoint.seq}`);
  }
}

function loadOrCreateKey(file: string): Signer {
  if (existsSync(file)) return Signer.fromPkcs8Pem(readFileSync(file, 'utf8'));
  const signer = Signer.generate();
  writeFileSync(file, signer.exportPkcs8Pem(), { mode: 0o600 });
  return signer;
}
