import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCounterGpio } from '../../../src/drivers/gpio/open-counter-gpio.js';
import { NfcReader } from '../../../src/drivers/nfc/nfc-reader.js';
import type { NfcCard } from '../../../src/drivers/nfc/card.js';
import { Scanner } from '../../../src/drivers/scanner/scanner.js';
import type { ScanEvent } from '../../../src/drivers/scanner/scanner.js';
import { toHex } from '../../../src/encoding/hex.js';
import { SimulatedTerminalError } from '../../../hw-sim/terminal/errors.js';
import { startSimulatedTerminal, type TwinName } from '../../../hw-sim/terminal/simulated-terminal.js';
import { proveWallet } from '../../drivers/nfc/wallet-session.js';
import { until } from '../../support/wait.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'posd-terminal-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('startSimulatedTerminal on the in-process buses', () => {
  it('starts every twin and the acquirer, and tells posd where they are', async () => {
    const terminal = await startSimulatedTerminal();
    cleanups.push(() => terminal.close());
    expect(Object.keys(terminal.twins).sort()).toEqual(['gpio', 'nfc', 'printer', 'scanner']);
    expect(terminal.devices).toEqual({
      printer: { uri: 'sim:printer?baud=19200', profile: 'generic-58-zh' },
      scanner: { uri: 'sim:scanner?transport=hid&mode=wedge' },
      nfc: { uri: 'sim:nfc?baud=115200' },
      gpio: { uri: 'sim:gpio', pins: expect.objectContaining({ drawerRelay: 'GPIO17', cancelButton: { pin: 'GPIO27', active: 'low' } }) },
    });
    expect(terminal.env.simPlugins.get('gpio')).toBe(terminal.twins.gpio);
    expect(terminal.addresses.acquirerKey).toBe(toHex(terminal.acquirer!.publicKey));
    const health = await fetch(`${terminal.addresses.acquirer}/v1/acquirer`);
    expect(health.ok).toBe(true);
    expect(terminal.cards.wallet!.label).toBe('hardware wallet');
  });

  it('lets posd drivers reach the twins through its devices and env: a scan, a tapped wallet, the drawer', async () => {
    // A serial scanner: a keyboard wedge's timing heuristics do not belong in this test.
    const terminal = await startSimulatedTerminal({ acquirer: false, scanner: { mode: 'serial' } });
    cleanups.push(() => terminal.close());
    expect(terminal.devices.scanner.uri).toBe('sim:scanner?baud=9600');
    const env = { ...terminal.env, reopen: { minMs: 5, maxMs: 20 } };

    const scanner = await Scanner.open(terminal.devices.scanner.uri, env);
    cleanups.push(() => scanner.stop());
    const scans: ScanEvent[] = [];
    scanner.on('scan', (s) => scans.push(s));
    scanner.start();
    await scanner.waitReady(2000);
    await terminal.twins.scanner.scan('6901234567892', { suffix: 'crlf' });
    await until(() => scans.length === 1, 'the scan');
    expect(scans[0]!.text).toBe('6901234567892');

    const reader = await NfcReader.open(terminal.devices.nfc.uri, env, { pn532: { ackTimeoutMs: 100, firstAckTimeoutMs: 500 } });
    cleanups.push(() => reader.stop());
    const cards: NfcCard[] = [];
    reader.on('card', (c) => cards.push(c));
    reader.start();
    await until(() => reader.health().state === 'ready', 'reader ready');
    terminal.twins.nfc.enterField(terminal.cards.wallet!);
    await until(() => cards.length === 1, 'the tap');
    const proof = await proveWallet(reader.channel());
    expect(proof.verified).toBe(true);
    expect(toHex(proof.walletId)).toBe(toHex(terminal.wallets[0]!.walletId));

    const gpio = await openCounterGpio({ ...terminal.devices.gpio, timing: { drawerPulseMs: 40 } }, terminal.env);
    cleanups.push(() => gpio.stop());
    expect(await gpio.kickDrawer()).toBe('pulsed');
    await until(() => terminal.twins.gpio.drawer!.isOpen, 'the drawer springs open');
  });

  it('starts only the twins asked for; unplug and plug pull and restore a cable', async () => {
    const terminal = await startSimulatedTerminal({ twins: ['nfc', 'gpio'], acquirer: false, wallets: 0 });
    cleanups.push(() => terminal.close());
    expect(Object.keys(terminal.twins).sort()).toEqual(['gpio', 'nfc']);
    expect(Object.keys(terminal.devices).sort()).toEqual(['gpio', 'nfc']);
    expect(terminal.acquirer).toBeUndefined();
    expect(terminal.dataDir).toBeUndefined();
    expect(terminal.cards.wallets).toEqual([]);
    await terminal.unplug('nfc');
    await expect(terminal.env.simBus.binding.list()).resolves.toEqual([]);
    await terminal.plug('nfc');
    await expect(terminal.env.simBus.binding.list()).resolves.toMatchObject([{ path: 'nfc' }]);
    await expect(terminal.unplug('printer')).rejects.toMatchObject({ code: 'no_such_twin' });
    await expect(terminal.unplug('gpio' as 'nfc')).rejects.toBeInstanceOf(SimulatedTerminalError);
    await expect(terminal.unplug('gpio' as 'nfc')).rejects.toMatchObject({ code: 'not_pluggable' });
  });

  it('makes several distinct wallets, or exactly the ones described', async () => {
    const three = await startSimulatedTerminal({ twins: [], acquirer: false, wallets: 3 });
    cleanups.push(() => three.close());
    expect(new Set(three.wallets.map((w) => toHex(w.walletId))).size).toBe(3);
    expect(three.cards.wallets.map((c) => c.label)).toEqual(['hardware wallet', 'hardware wallet 2', 'hardware wallet 3']);

    const walletId = Uint8Array.from({ length: 16 }, (_, i) => i);
    const described = await startSimulatedTerminal({ twins: [], acquirer: false, wallets: [{ walletId, label: 'the till key', uid: Uint8Array.of(0x08, 1, 2, 3) }] });
    cleanups.push(() => described.close());
    expect(toHex(described.wallets[0]!.walletId)).toBe(toHex(walletId));
    expect(described.cards.wallet!.label).toBe('the till key');
    expect(toHex(described.cards.wallet!.activate().uid)).toBe('08010203');
  });

  it('refuses options it cannot honour with typed errors', async () => {
    await expect(startSimulatedTerminal({ twins: ['till' as TwinName], acquirer: false })).rejects.toMatchObject({ code: 'no_such_twin' });
    await expect(startSimulatedTerminal({ transport: 'usb' as 'bus', acquirer: false })).rejects.toMatchObject({ code: 'bad_option' });
    await expect(startSimulatedTerminal({ twins: [], acquirer: false, wallets: -1 })).rejects.toBeInstanceOf(SimulatedTerminalError);
    await expect(startSimulatedTerminal({ twins: [], acquirer: false, wallets: 1e9 })).rejects.toMatchObject({ code: 'bad_option' });
  });
});

describe('startSimulatedTerminal on pseudo-terminals', () => {
  it('puts the serial twins on ptys (HID and GPIO stay in-process) and removes everything on close', async () => {
    const terminal = await startSimulatedTerminal({ transport: 'pty', acquirer: false, scanner: { mode: 'wedge' } });
    const { printer, nfc } = terminal.addresses;
    expect(terminal.devices.printer.uri).toBe(`serial:${printer}?baud=19200`);
    expect(terminal.devices.nfc.uri).toBe(`serial:${nfc}?baud=115200`);
    expect(terminal.devices.scanner.uri).toBe('sim:scanner?transport=hid&mode=wedge');
    expect(terminal.devices.gpio.uri).toBe('sim:gpio');
    expect(existsSync(printer!) && existsSync(nfc!)).toBe(true);
    const dir = terminal.dataDir!;
    await terminal.close();
    expect(existsSync(printer!) || existsSync(nfc!) || existsSync(dir)).toBe(false);
  });

  it('keeps its data directory: the same pty paths and the same acquirer key on the next run', async () => {
    const dir = scratchDir();
    const first = await startSimulatedTerminal({ twins: ['nfc'], transport: 'pty', dataDir: dir });
    const before = { nfc: first.addresses.nfc, key: first.addresses.acquirerKey };
    await first.close();
    expect(existsSync(join(dir, 'acquirer', 'acquirer.key'))).toBe(true);
    const second = await startSimulatedTerminal({ twins: ['nfc'], transport: 'pty', dataDir: dir });
    cleanups.push(() => second.close());
    expect({ nfc: second.addresses.nfc, key: second.addresses.acquirerKey }).toEqual(before);
  });

  it('serves the control API for the twins it has: several wallets to present, the printer to read', async () => {
    const terminal = await startSimulatedTerminal({ twins: ['nfc', 'printer'], transport: 'pty', acquirer: false, control: true, wallets: 2 });
    cleanups.push(() => terminal.close());
    const at = terminal.addresses.control!;
    const operator = { authorization: `Bearer ${terminal.addresses.token}` };
    const post = (path: string, body: unknown): Promise<Response> =>
      fetch(`${at}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...operator }, body: JSON.stringify(body) });
    expect(await (await post('/nfc/present', { card: 'wallet', index: 1 })).json()).toEqual({ inField: 'wallet', index: 1 });
    expect(terminal.twins.nfc.targetsInField).toEqual([terminal.cards.wallets[1]]);
    expect((await post('/nfc/present', { card: 'wallet', index: 2 })).status).toBe(400);
    const wallets = (await (await fetch(`${at}/nfc/wallets`, { headers: operator })).json()) as { walletId: string }[];
    expect(wallets.map((w) => w.walletId)).toEqual(terminal.wallets.map((w) => toHex(w.walletId)));
    expect((await post('/scanner/scan', { code: '123' })).status).toBe(404);
    expect(await (await post('/printer/fault', { fault: 'cover_open', on: true })).json()).toMatchObject({ conditions: { coverOpen: true } });
  });
});
