import type { DeviceHealth, HealthState } from '../../../src/drivers/device.js';
import { NfcReader, type NfcReaderOptions, type RemovalReason } from '../../../src/drivers/nfc/nfc-reader.js';
import type { NfcCard } from '../../../src/drivers/nfc/card.js';
import { Pn532, type Pn532Options } from '../../../src/drivers/pn532/pn532.js';
import { openLink } from '../../../src/drivers/transport/open-link.js';
import { SimBus } from '../../../src/drivers/transport/sim-bus.js';
import { Pn532Twin, type Pn532TwinOptions } from '../../../hw-sim/pn532/pn532-twin.js';
import { until } from '../../support/wait.js';

/** Timeouts short enough for tests, long enough for a loaded CI machine. */
export const fastPn532: Partial<Pn532Options> = {
  ackTimeoutMs: 40,
  firstAckTimeoutMs: 200,
  responseTimeoutMs: 500,
  exchangeTimeoutMs: 1000,
  initRetryMs: 30,
  interByteTimeoutMs: 40,
};

export interface ChipRig {
  bus: SimBus;
  twin: Pn532Twin;
  pn532: Pn532;
  stop(): Promise<void>;
}

export async function chipRig(twinOptions: Partial<Pn532TwinOptions> = {}, options: Partial<Pn532Options> = {}): Promise<ChipRig> {
  const bus = new SimBus();
  const twin = new Pn532Twin(twinOptions);
  bus.register('nfc', twin);
  const link = await openLink('sim:nfc?baud=115200', { simBus: bus, reopen: { minMs: 5, maxMs: 20 } });
  const pn532 = new Pn532(link, { ...fastPn532, ...options });
  pn532.start();
  await pn532.waitReady(5000);
  return { bus, twin, pn532, stop: () => pn532.stop() };
}

export interface ReaderRig {
  bus: SimBus;
  twin: Pn532Twin;
  reader: NfcReader;
  cards: NfcCard[];
  removals: { card: NfcCard; reason: RemovalReason }[];
  /** Health states, each change once. */
  statuses: HealthState[];
  /** Every health event. */
  health: DeviceHealth[];
  stop(): Promise<void>;
}

export async function readerRig(twinOptions: Partial<Pn532TwinOptions> = {}, options: Partial<NfcReaderOptions> = {}): Promise<ReaderRig> {
  const bus = new SimBus();
  const twin = new Pn532Twin({ passiveActivationAttemptMs: 2, ...twinOptions });
  bus.register('nfc', twin);
  const reader = await NfcReader.open('sim:nfc', { simBus: bus, reopen: { minMs: 5, maxMs: 20 } }, {
    presenceIntervalMs: 20,
    listTimeoutMs: 1000,
    errorBackoffMs: 10,
    ...options,
    pn532: { ...fastPn532, ...options.pn532 },
  });
  const rig: ReaderRig = { bus, twin, reader, cards: [], removals: [], statuses: [], health: [], stop: () => reader.stop() };
  reader.on('card', (card) => rig.cards.push(card));
  reader.on('removed', (card, reason) => rig.removals.push({ card, reason }));
  reader.on('health', (h) => {
    rig.health.push(h);
    if (rig.statuses.at(-1) !== h.state) rig.statuses.push(h.state);
  });
  reader.start();
  await until(() => reader.health().state === 'ready', 'reader ready');
  return rig;
}
