import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { TerminalEvents } from '../../../app/events.js';
import type { PosTerminal } from '../../../app/terminal.js';
import type { Payment } from '../../../payments/payment.js';
import type { PaymentReturn } from '../../../payments/refunds/returns.js';
import { isFinalState, offlineQueueView } from '../views.js';

/** Who may hear an event: everyone with a token, or the staff scopes only (the pairing code). */
export type Audience = 'all' | 'staff';

/** One public event, serialised once: `{"seq":N,"type":"...","at":ms,"data":{...}}`. */
export interface LoggedEvent {
  seq: number;
  type: PublicEventType;
  audience: Audience;
  json: string;
}

/** The public event set (docs/ecr-api.md "Events"). */
export const PUBLIC_EVENT_TYPES = [
  'payment.updated',
  'return.updated',
  'sale.item',
  'sale.refused',
  'receipt.printed',
  'receipt.failed',
  'device.health',
  'drawer.state',
  'settlement.status',
  'settlement.settled',
  'settlement.dead_letter',
  'integrity.failed',
  'catalog.loaded',
  'catalog.refused',
  'pairing.code',
  'pairing.closed',
] as const;
export type PublicEventType = (typeof PUBLIC_EVENT_TYPES)[number];

export type Replay = { kind: 'events'; events: LoggedEvent[] } | { kind: 'reset'; reason: 'cursor_expired' | 'other_stream' };

export interface EventLogOptions {
  /** How many events the replay window keeps (default 1000)... */
  capacity?: number;
  /** ...and at most this many bytes of them (default 2 MiB). */
  maxBytes?: number;
  /** Payments whose final state was published, remembered to drop anything later for them (default 1000). */
  rememberFinal?: number;
}

/**
 * The terminal's events as the API publishes them: mapped to the public set, numbered (seq grows
 * by one per event, from 1, per stream; `streamId` changes when posd restarts), and kept in a
 * bounded ring for replay from a cursor. A payment's events are published in version order and
 * none after its final state.
 */
export class EventLog {
  readonly streamId = randomBytes(6).toString('hex');
  private readonly ring: LoggedEvent[] = [];
  private ringBytes = 0;
  private nextSeq = 1;
  private readonly listeners = new Set<(event: LoggedEvent) => void>();
  private readonly versions = new Map<string, number>();
  private readonly finals = new Set<string>();
  private readonly capacity: number;
  private readonly maxBytes: number;
  private readonly rememberFinal: number;
  private lastSettlement = '';
  private readonly detach: (() => void)[] = [];

  constructor(
    terminal: PosTerminal,
    /** How a payment and a refund or void look in events: as the API's GET routes answer them. */
    private readonly views: { payment: (payment: Payment) => unknown; return: (ret: PaymentReturn) => unknown },
    options: EventLogOptions = {},
  ) {
    this.capacity = options.capacity ?? 1000;
    this.maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
    this.rememberFinal = options.rememberFinal ?? 1000;
    const events = terminal.events;
    const on = <K extends keyof TerminalEvents>(name: K, listener: (...args: TerminalEvents[K]) => void): void => {
      (events.on as (n: K, l: (...args: TerminalEvents[K]) => void) => unknown)(name, listener);
      this.detach.push(() => (events.off as (n: K, l: (...args: TerminalEvents[K]) => void) => unknown)(name, listener));
    };
    on('payment.updated', (payment) => this.payment(payment));
    // A refund or void, from whichever client started it: registers see the counter's returns too.
    on('payment.returned', (ret) => this.publish('return.updated', { return: this.views.return(ret) }));
    on('sale.item', ({ line, total }) =>
      this.publish('sale.item', { line: { gtin: line.product.gtin, name: line.product.name, unitPrice: line.product.price, quantity: line.quantity, asset: line.product.asset }, total }),
    );
    on('sale.refused', ({ reason }) => this.publish('sale.refused', { reason }));
    on('receipt.printed', ({ seq }) => this.publish('receipt.printed', { seq }));
    on('receipt.failed', ({ seq, message }) => this.publish('receipt.failed', { seq, message }));
    on('device.health', ({ kind, health }) => this.publish('device.health', { kind, health }));
    on('drawer.state', ({ state }) => this.publish('drawer.state', { state }));
    on('settlement.status', (status) => {
      const data = { offlineQueue: offlineQueueView(status) };
      const text = JSON.stringify(data);
      if (text === this.lastSettlement) return;
      this.lastSettlement = text;
      this.publish('settlement.status', data);
    });
    on('settlement.settled', ({ through }) => this.publish('settlement.settled', { through }));
    on('settlement.dead_letter', ({ seq, code, message }) => this.publish('settlement.dead_letter', { seq, code, message }));
    on('integrity.failed', (failure) => this.publish('integrity.failed', { code: failure.code, seq: failure.seq, message: failure.message, advice: failure.advice }));
    on('catalog.loaded', ({ file, products }) => this.publish('catalog.loaded', { file: file === null ? null : basename(file), products }));
    on('catalog.refused', ({ file, message }) => this.publish('catalog.refused', { file: basename(file), message }));
    on('pairing.code', ({ code, expiresAt }) => this.publish('pairing.code', { code, expiresAt }, 'staff'));
    on('pairing.closed', ({ reason }) => this.publish('pairing.closed', { reason }));
  }

  /** The seq of the newest event (0 before the first). */
  get headSeq(): number {
    return this.nextSeq - 1;
  }

  /** The events after `after`, or a reset when the window no longer holds them all (or the cursor is from another stream). */
  since(after: number, streamId?: string): Replay {
    if (streamId !== undefined && streamId !== this.streamId) return { kind: 'reset', reason: 'other_stream' };
    if (after > this.headSeq) return { kind: 'reset', reason: 'other_stream' };
    const oldest = this.ring[0]?.seq ?? this.nextSeq;
    if (after < oldest - 1) return { kind: 'reset', reason: 'cursor_expired' };
    return { kind: 'events', events: this.ring.slice(after - oldest + 1) };
  }

  subscribe(listener: (event: LoggedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    for (const off of this.detach.splice(0)) off();
    this.listeners.clear();
  }

  private payment(payment: Payment): void {
    if (this.finals.has(payment.id)) return;
    const seen = this.versions.get(payment.id);
    if (seen !== undefined && payment.version <= seen) return;
    if (isFinalState(payment.state)) {
      this.versions.delete(payment.id);
      this.finals.add(payment.id);
      if (this.finals.size > this.rememberFinal) this.finals.delete(this.finals.values().next().value!);
    } else {
      this.versions.set(payment.id, payment.version);
    }
    this.publish('payment.updated', { payment: this.views.payment(payment) });
  }

  private publish(type: PublicEventType, data: unknown, audience: Audience = 'all'): void {
    const seq = this.nextSeq++;
    const event: LoggedEvent = { seq, type, audience, json: JSON.stringify({ seq, type, at: Date.now(), data }) };
    this.ring.push(event);
    this.ringBytes += event.json.length;
    while (this.ring.length > this.capacity || (this.ringBytes > this.maxBytes && this.ring.length > 1)) this.ringBytes -= this.ring.shift()!.json.length;
    for (const listener of this.listeners) listener(event);
  }
}
