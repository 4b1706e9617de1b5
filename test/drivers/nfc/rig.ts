import type { DeviceHealth, HealthState } from '../../../src/drivers/device.js';
import { NfcReader, type NfcReaderOptions, type RemovalReason } from '../../../src/drivers/nfc/nfc-reader.js';
import type { NfcCard } from '../../../src/drivers/nfc/card.js';
import { Pn532, type Pn532Options } from '../../../src/drivers/pn532/pn532.js';
import { openLink } from '../../../src/drivers/transport/open-link.js';
import type { Pn532Twin, Pn532TwinOptions } from '../../../hw-sim/pn532/pn532-twin.js';
import { startSimulatedTerminal, type SimulatedTerminal } from '../../../hw-sim/terminal/simulated-terminal.js';
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

/** A simulated terminal with only the PN532 twin, on the in-process bus. */
export function nfcTerminal(twinOptions: Partial<Pn532TwinOptions> = {}): Promise<SimulatedTerminal<'nfc'>> {
  return startSimulatedTerminal({ twins: ['nfc'], acquirer: false, wallets: 0, nfc: twinOptions });
}

export interface ChipRig {
  terminal: SimulatedTerminal<'nfc'>;
  twin: Pn532Twin;
  pn532: Pn532;
  unplug(): Promise<void>;
  plug(): Promise<void>;
  stop(): Promise<void>;
}

export async function chipRig(twinOptions: Partial<Pn532TwinOptions> = {}, options: Partial<Pn532Options> = {}): Promise<ChipRig> {
  const terminal = await nfcTerminal(twinOptions);
  const link = await openLink(terminal.devices.nfc.uri, { ...terminal.env, reopen: { minMs: 5, maxMs: 20 } });
  const pn532 = new Pn532(link, { ...fastPn532, ...options });
  pn532.start();
  await pn532.waitReady(5000);
  return {
    terminal,
    twin: terminal.twins.nfc,
    pn532,
    unplug: () => terminal.unplug('nfc'),
    plug: () => terminal.plug('nfc'),
    stop: async () => {
      await pn532.stop();
      await terminal.close();
    },
  };
}

export interface ReaderRig {
  terminal: SimulatedTerminal<'nfc'>;
  twin: Pn532Twin;
  reader: NfcReader;
  cards: NfcCard[];
  removals: { card: NfcCard; reason: RemovalReason }[];
  /** Health states, each change once. */
  statuses: HealthState[];
  /** Every health event. */
  health: DeviceHealth[];
  unplug(): Promise<void>;
  plug(): Promise<void>;
  stop(): Promise<void>;
}

export async function readerRig(twinOptions: Partial<Pn532TwinOptions> = {}, options: Partial<NfcReaderOptions> = {}): Promise<ReaderRig> {
  const terminal = await nfcTerminal({ passiveActivationAttemptMs: 2, ...twinOptions });
  const reader = await NfcReader.open(terminal.devices.nfc.uri, { ...terminal.env, reopen: { minMs: 5, maxMs: 20 } }, {
    presenceIntervalMs: 20,
    listTimeoutMs: 1000,
    errorBackoffMs: 10,
    ...options,
    pn532: { ...fastPn532, ...options.pn532 },
  });
  const rig: ReaderRig = {
    terminal,
    twin: terminal.twins.nfc,
    reader,
    cards: [],
    removals: [],
    statuses: [],
    health: [],
    unplug: () => terminal.unplug('nfc'),
    plug: () => terminal.plug('nfc'),
    stop: async () => {
      await reader.stop();
      await terminal.close();
    },
  };
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
