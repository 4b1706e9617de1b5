import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { WALLET_AID } from '../../../hw-sim/cards/wallet-applet.js';
import { startSimulatedTerminal, type SimulatedTerminal } from '../../../hw-sim/terminal/simulated-terminal.js';
import { until } from '../../support/wait.js';
import { h, hex } from './chip-wire.js';

/**
 * The PN532 twin on a pseudo-terminal, driven the way libnfc's pn532_uart driver and pn53x chip
 * code drive a real chip (libnfc/drivers/pn532_uart.c, libnfc/chips/pn53x.c), with raw frames:
 * no posd code on the host side.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A bare HSU host: writes bytes, cuts the chip's ACKs and frames out of what comes back, checks their checksums. */
class RawHost {
  private buffer = Buffer.alloc(0);

  private constructor(private readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => (this.buffer = Buffer.concat([this.buffer, chunk])));
  }

  static async open(path: string): Promise<RawHost> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    const host = new RawHost(port);
    cleanups.push(() => host.close());
    return host;
  }

  async write(bytes: Uint8Array): Promise<void> {
    await new Promise<void>((resolve, reject) => this.port.write(Buffer.from(bytes), (err) => (err ? reject(err) : this.port.drain(() => resolve()))));
  }

  /** libnfc's pn53x_transceive: the frame, then the chip's ACK, then its response packet (after D5, without the code check). */
  async transceive(packet: string): Promise<string> {
    await this.write(hostFrame(h(packet)));
    expect(await this.readFrame()).toBe('00 00 FF 00 FF 00');
    const response = h(await this.readFrame());
    const extended = response[3] === 0xff && response[4] === 0xff;
    const bodyAt = extended ? 8 : 5;
    const length = extended ? (response[5]! << 8) | response[6]! : response[3]!;
    const body = response.subarray(bodyAt, bodyAt + length);
    expect((length + response[bodyAt - 1]! + (extended ? response[5]! : 0)) & 0xff, 'LCS').toBe(0);
    expect(body.reduce((a, b) => a + b, 0) + response[bodyAt + length]! & 0xff, 'DCS').toBe(0);
    expect(body[0], 'TFI').toBe(0xd5);
    expect(body[1], 'response code').toBe(h(packet)[0]! + 1);
    return hex(body.subarray(2));
  }

  /** Waits for one whole frame (ACK or information frame) and takes it off the buffer. */
  async readFrame(): Promise<string> {
    let frame: Buffer | undefined;
    await until(() => (frame = this.cut()) !== undefined, 'a frame from the chip', 5000);
    return hex(frame!);
  }

  private cut(): Buffer | undefined {
    const start = this.buffer.indexOf(Buffer.from([0x00, 0x00, 0xff]));
    if (start < 0 || this.buffer.length < start + 5) return undefined;
    const b = this.buffer.subarray(start);
    let total: number;
    if (b[3] === 0x00 && b[4] === 0xff) total = 6;
    else if (b[3] === 0xff && b[4] === 0xff) {
      if (b.length < 8) return undefined;
      total = 8 + ((b[5]! << 8) | b[6]!) + 2;
    } else total = 5 + b[3]! + 2;
    if (b.length < total) return undefined;
    this.buffer = b.subarray(total);
    return Buffer.from(b.subarray(0, total));
  }

  async close(): Promise<void> {
    if (this.port.isOpen) await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }
}

/** pn53x_build_frame: a normal information frame from the host. */
function hostFrame(packet: Uint8Array): Uint8Array {
  const body = [0xd4, ...packet];
  const dcs = (0x100 - (body.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  return Uint8Array.from([0x00, 0x00, 0xff, body.length, (0x100 - body.length) & 0xff, ...body, dcs, 0x00]);
}

async function ptyTerminal(): Promise<SimulatedTerminal<'nfc'>> {
  const terminal = await startSimulatedTerminal({ twins: ['nfc'], transport: 'pty', acquirer: false });
  cleanups.push(() => terminal.close());
  return terminal;
}

describe('the PN532 twin as libnfc opens and uses it (pn532_uart over a pseudo-terminal)', () => {
  it('wakes, configures, identifies and tests the chip, sets it up as an initiator, lists a wallet and talks to it', async () => {
    const terminal = await ptyTerminal();
    const twin = terminal.twins.nfc;
    const host = await RawHost.open(terminal.addresses.nfc!);

    // pn532_uart_wakeup: 55 55 and 14 zeros; then, out of low-VBat, SAMConfiguration normal (2 bytes).
    await host.write(Uint8Array.of(0x55, 0x55, ...new Uint8Array(14)));
    expect(await host.transceive('14 01')).toBe('');
    // pn53x_check_communication: Diagnose, communication line test.
    expect(await host.transceive('00 00 6C 69 62 6E 66 63')).toBe('00 6C 69 62 6E 66 63');
    // pn53x_init: the firmware decides the chip type and its modulations.
    expect(await host.transceive('02')).toBe('32 01 06 07');
    expect(await host.transceive('12 14')).toBe('');
    // The register write-back cache: read what has to be masked, then write.
    expect(await host.transceive('06 63 3D 63 38')).toBe('00 00');
    // nfc_initiator_init: field off and on, MaxRetries for an infinite select, the various timings.
    expect(await host.transceive('32 01 00')).toBe('');
    expect(await host.transceive('32 01 01')).toBe('');
    expect(await host.transceive('32 05 FF FF FF')).toBe('');
    expect(await host.transceive('32 02 00 0B 0A')).toBe('');
    expect(await host.transceive('32 04 00')).toBe('');
    // Force ISO14443-A at 106 kbps, initiator mode: CIU TxMode, RxMode, TxAuto, Control read then written.
    expect(await host.transceive('06 63 02 63 03 63 05 63 3C')).toBe('80 80 00 00');
    expect(await host.transceive('08 63 05 40 63 3C 10')).toBe('');
    expect(await host.transceive('06 63 05 63 3C 63 04')).toBe('40 10 83');
    // The analog settings nfcpy also writes, item by item.
    expect(await host.transceive('32 0A 59 F4 3F 11 4D 85 61 6F 26 62 87')).toBe('');
    expect(await host.transceive('32 0B 69 FF 3F 11 41 85 61 6F')).toBe('');
    expect(await host.transceive('32 0C FF 04 85')).toBe('');
    expect(await host.transceive('32 0D 85 15 8A 85 08 B2 85 01 DA')).toBe('');
    expect(await host.transceive('04')).toBe('00 00 00 00');

    // nfc-list: with MaxRetries FF the chip waits until a card comes.
    terminal.twins.nfc.enterField(terminal.cards.wallet!);
    const listed = h(await host.transceive('4A 01 00'));
    expect(hex(listed.subarray(0, 5))).toBe('01 01 00 04 20');
    expect(listed[5]).toBe(4);
    expect(hex(listed.subarray(10))).toBe('05 78 80 70 02');
    const select = await host.transceive(`40 01 00 A4 04 00 07 ${hex(WALLET_AID)} 00`);
    expect(select.startsWith('00 6F')).toBe(true);
    expect(select.endsWith('90 00')).toBe(true);
    expect(await host.transceive('00 06')).toBe('00');

    // nfc_close -> pn53x_idle: release, field off, PowerDown into low-VBat.
    expect(await host.transceive('52 00')).toBe('00');
    expect(await host.transceive('32 01 00')).toBe('');
    expect(await host.transceive('16 F0')).toBe('00');
    expect(twin.asleep).toBe(true);
    expect(twin.commands.map((c) => c.code.toString(16).padStart(2, '0')).join(' ')).toBe(
      '14 00 02 12 06 32 32 32 32 32 06 08 06 32 32 32 32 04 4a 40 00 52 32 16',
    );
  });

  it('lets libnfc abort a waiting InListPassiveTarget with an ACK (pn532_uart_ack), and carries on', async () => {
    const terminal = await ptyTerminal();
    const host = await RawHost.open(terminal.addresses.nfc!);
    await host.write(Uint8Array.of(0x55, 0x55, ...new Uint8Array(14)));
    expect(await host.transceive('14 01')).toBe('');
    await host.write(hostFrame(h('4A 01 00')));
    expect(await host.readFrame()).toBe('00 00 FF 00 FF 00');
    await host.write(h('00 00 FF 00 FF 00'));
    await until(() => terminal.twins.nfc.counters.hostAcks === 1, 'the abort reaches the chip');
    expect(await host.transceive('02')).toBe('32 01 06 07');
  });
});
