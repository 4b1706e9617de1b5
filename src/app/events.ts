import { EventEmitter } from 'node:events';
import type { DeviceHealth, DeviceKind } from '../drivers/device.js';
import type { CloseAck } from '../protocol/settlement.js';
import type { ProvisioningChange } from '../provisioning/provisioning.js';
import type { SettlementFailure, SettlementStatus } from '../settlement/drainer.js';
import type { Payment } from '../payments/payment.js';
import type { PaymentReturn } from '../payments/refunds/returns.js';
import type { SaleLine } from '../terminal/counter/sale.js';

/**
 * The terminal's one event stream: everything the faces (log, local API, counter UI, console,
 * demo) hear of. Names are `area.event`; payloads are plain data.
 */
export interface TerminalEvents {
  'sale.item': [{ line: SaleLine; total: number }];
  /** A scan or entry the counter could not use, and why (a payment code is never repeated). */
  'sale.refused': [{ reason: string }];
  /** Every change of a payment; `succeeded` only once its record is durable. */
  'payment.updated': [Payment];
  /** Every change of a refund or void; `succeeded` once its journal record is durable. */
  'payment.returned': [PaymentReturn];
  'receipt.printed': [{ seq: number }];
  'receipt.failed': [{ seq: number; message: string }];
  'device.health': [{ kind: DeviceKind; health: DeviceHealth }];
  'drawer.state': [{ state: 'open' | 'closed' }];
  'drawer.left_open': [{ openForMs: number }];
  'key.cancel': [];
  'nfc.card': [{ tapId: number; isoDep: boolean }];
  'nfc.removed': [{ tapId: number; reason: string }];
  'settlement.status': [SettlementStatus];
  'settlement.settled': [{ through: number; checkpoint: CloseAck['checkpoint'] }];
  'settlement.dead_letter': [{ seq: number; code: string; message: string }];
  /** One failed settlement attempt: its cause, whether and when it is retried, and whether settlement halted. */
  'settlement.failed': [SettlementFailure];
  /** The journal failed its own check: the terminal takes no payment until a technician looks. */
  'integrity.failed': [{ code: string; seq: number; message: string; advice: string }];
  /** The terminal's profile state changed: a profile accepted, expired, or the key rotated (docs/provisioning.md). */
  'provisioning.changed': [ProvisioningChange];
  /** A profile update or endorsement asked for at a settlement could not be had; the profile held stays. */
  'provisioning.refresh_failed': [{ code: string; message: string }];
  'catalog.loaded': [{ file: string | null; products: number }];
  /** A catalogue file that could not be used; the terminal keeps selling from the one it had. */
  'catalog.refused': [{ file: string; message: string }];
  /** A pairing code is shown for registers (counter screen); `pairing.closed` when it is used, expires or pairing locks. */
  'pairing.code': [{ code: string; expiresAt: number }];
  'pairing.closed': [{ reason: 'used' | 'expired' | 'locked' }];
}

export class TerminalEventStream extends EventEmitter<TerminalEvents> {}
