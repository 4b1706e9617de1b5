import { afterEach, describe, expect, it } from 'vitest';
import { ApduClient } from '../../../src/drivers/iso7816/apdu-client.js';
import type { HealthState } from '../../../src/drivers/device.js';
import { NfcReader } from '../../../src/drivers/nfc/nfc-reader.js';
import type { NfcCard } from '../../../src/drivers/nfc/card.js';
import { IsoDepCard } from '../../../hw-sim/cards/iso-dep-card.js';
import { WalletApplet } from '../../../hw-sim/cards/wallet-applet.js';
import { pn532Faults } from '../../../hw-sim/pn532/faults.js';
import { startSimulatedTerminal } from '../../../hw-sim/terminal/simulated-terminal.js';
import { until } from '../../support/wait.js';
import { fastPn532 } from './rig.js';
import { DOC_WALLET_AID, proveWallet } from './wallet-session.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function ptyReader(wireTiming: boolean) {
  const terminal = await startSimulatedTerminal({ twins: ['nfc'], transport: 'pty', acquirer: false, wallets: 0, wireTiming, nfc: { passiveActivationAttemptMs: 2, baud: 115200 } });
  cleanups.push(() => terminal.close());
  const twin = terminal.twins.nfc;
  const reader = await NfcReader.open(terminal.devices.nfc.uri, { reopen: { minMs: 10, maxMs: 50 } }, {
    presenceIntervalMs: 20,
    listTimeoutMs: 1000,
    // A pty adds scheduling latency that a UART does not; keep the timeouts generous.
    pn532: { ...fastPn532, ackTimeoutMs: 200, firstAckTimeoutMs: 1000, interByteTimeoutMs: 100 },
  });
  cleanups.push(() => reader.stop());
  const cards: NfcCard[] = [];
  const statuses: HealthState[] = [];
  reader.on('card', (c) => cards.push(c));
  reader.on('health', (h) => statuses.at(-1) !== h.state && statuses.push(h.state));
  reader.start();
  await until(() => reader.health().state === 'ready', 'ready over the pty', 10_000);
  return { terminal, twin, reader, cards, statuses };
}

describe('PN532 reader over a real pseudo-terminal (native serial binding)', () => {
  it('runs a wallet session, NACKs a corrupted response, and survives unplug and replug', async () => {
    const { terminal, twin, reader, cards, statuses } = await ptyReader(false);
    const wallet = new WalletApplet();
    const phone = new IsoDepCard([wallet]);
    twin.enterField(phone);
    await until(() => cards.length === 1, 'tap');
    const proof = await proveWallet(reader.channel());
    expect(proof.verified).toBe(true);

    twin.behave(pn532Faults.corruptResponses());
    const client = new ApduClient(reader.channel());
    const id = await client.send({ cla: 0x00, ins: 0xca, p1: 0xdf, p2: 0x20, le: 16 });
    expect(Buffer.from(id).equals(Buffer.from(wallet.walletId))).toBe(true);
    expect(reader.pn532.stats.nacksSent).toBeGreaterThanOrEqual(1);

    await terminal.unplug('nfc');
    await until(() => reader.health().state === 'connecting', 'connecting', 10_000);
    await terminal.plug('nfc');
    await until(() => reader.health().state === 'ready', 'ready after replug', 10_000);
    expect(statuses).toEqual(['connecting', 'ready', 'connecting', 'ready']);
    expect(twin.counters.wakeUps).toBe(2);
    await until(() => cards.length === 2, 'the phone is found again', 10_000);
    expect((await proveWallet(reader.channel())).verified).toBe(true);
  });

  it('works with UART timing on the device side (115200 baud)', async () => {
    const { twin, reader, cards } = await ptyReader(true);
    twin.enterField(new IsoDepCard([new WalletApplet()]));
    await until(() => cards.length === 1, 'tap');
    const client = new ApduClient(reader.channel());
    await client.select(DOC_WALLET_AID);
    const data = Uint8Array.from({ length: 200 }, (_, i) => i);
    const echo = await client.send({ cla: 0x80, ins: 0xe0, p1: 1, p2: 0, data, le: 256 });
    expect(Buffer.from(echo).equals(Buffer.from(data))).toBe(true);
  });
});
