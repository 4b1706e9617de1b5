import { describe, expect, it } from 'vitest';
import { cardFaults } from '../../hw-sim/cards/faults.js';
import { IsoDepCard } from '../../hw-sim/cards/iso-dep-card.js';
import { WALLET_AID, WalletApplet } from '../../hw-sim/cards/wallet-applet.js';
import { gpioFaults } from '../../hw-sim/gpio/faults.js';
import { pn532Faults } from '../../hw-sim/pn532/faults.js';
import { printerFaults } from '../../hw-sim/printer/faults.js';
import { EscPosPrinterTwin } from '../../hw-sim/printer/printer-twin.js';
import { scannerFaults } from '../../hw-sim/scanner/faults.js';
import { ScannerTwin } from '../../hw-sim/scanner/scanner-twin.js';
import { counterGpioTwin } from '../../hw-sim/terminal/counter-wiring.js';
import { ACK, chipOnWire, ERROR, frame, hex } from './pn532/chip-wire.js';

function hostOf(twin: { attachHost(sink: ((bytes: Uint8Array) => void) | null): void }): number[][] {
  const received: number[][] = [];
  twin.attachHost((bytes) => received.push([...bytes]));
  return received;
}

describe('printer behaviours', () => {
  it('garbles the next status reply, then answers properly again', () => {
    const twin = new EscPosPrinterTwin();
    const host = hostOf(twin);
    twin.behave(printerFaults.garbleStatus(0xff));
    twin.receiveFromHost(Uint8Array.of(0x10, 0x04, 0x01, 0x10, 0x04, 0x01));
    expect(host).toEqual([[0xff], [0x12]]);
  });

  it('hears nothing while it has stopped listening, and everything once the behaviour is removed', () => {
    const twin = new EscPosPrinterTwin();
    const host = hostOf(twin);
    const deaf = twin.behave(printerFaults.stopListening());
    twin.receiveFromHost(Uint8Array.of(0x10, 0x04, 0x01));
    expect(host).toEqual([]);
    expect(twin.bytesReceived).toBe(0);
    deaf();
    twin.receiveFromHost(Uint8Array.of(0x10, 0x04, 0x01));
    expect(host).toEqual([[0x12]]);
  });
});

describe('scanner behaviours', () => {
  it('loses or replaces chunks of a scan, and sends nothing while stopped', async () => {
    const twin = new ScannerTwin('serial');
    const host = hostOf(twin);
    twin.behave(scannerFaults.dropReports());
    expect(await twin.scan('123', { suffix: 'cr' })).toMatchObject({ sent: 1, delivered: 0 });
    twin.behave(scannerFaults.replaceReports(Uint8Array.of(0x00, 0x0d)));
    await twin.scan('456', { suffix: 'cr' });
    const stopped = twin.behave(scannerFaults.stopSending());
    expect(await twin.scan('789', { suffix: 'cr' })).toMatchObject({ delivered: 0 });
    stopped();
    await twin.scan('012', { suffix: 'cr' });
    expect(host.map((b) => Buffer.from(b).toString('latin1'))).toEqual(['\x00\r', '012\r']);
  });
});

describe('GPIO behaviours', () => {
  it('holds an input stuck whatever its switch does, and reports the real level once freed', async () => {
    const twin = counterGpioTwin();
    const levels: number[] = [];
    twin.pinMode(22, twin.MODES.INPUT);
    twin.digitalWrite(22, 1); // pull-up: the drawer switch is open, the pin reads high
    twin.digitalRead(22, (v) => levels.push(v));
    await Promise.resolve();
    const unstick = twin.behave(gpioFaults.stuckInput(22, 1));
    await twin.openDrawerByHand(); // the switch closes to ground...
    expect(levels).toEqual([1]); // ...but the pin still reads high
    unstick();
    expect(levels).toEqual([1, 0]);
    twin.dispose();
  });
});

describe('card behaviours', () => {
  it('leaves an APDU unanswered (the chip reports a timeout), or answers it with fixed bytes', () => {
    const w = chipOnWire().awake();
    const card = new IsoDepCard([new WalletApplet()]);
    w.twin.enterField(card);
    w.command('4A 01 00');
    const select = `40 01 00 A4 04 00 07 ${hex(WALLET_AID)} 00`;
    card.behave(cardFaults.silent());
    expect(w.command(select)).toBe(`${ACK} 00 00 FF 03 FD D5 41 01 E9 00`);
    card.behave(cardFaults.answer(Uint8Array.of(0x6f, 0x00)));
    expect(w.command(select)).toBe(`${ACK} 00 00 FF 05 FB D5 41 00 6F 00 7B 00`);
    expect(w.command(select)).toContain('D5 41 00 6F');
  });
});

describe('PN532 behaviours not covered elsewhere', () => {
  it('stops answering altogether, and answers again once removed', () => {
    const w = chipOnWire().awake();
    const dead = w.twin.behave(pn532Faults.stopAnswering());
    expect(w.command('02')).toBe('');
    dead();
    expect(w.command('02')).toContain('D5 03 32');
  });

  it('answers garbage after the ACK', () => {
    const w = chipOnWire().awake();
    w.twin.behave(pn532Faults.answerGarbage(Uint8Array.of(0x13, 0x37)));
    expect(w.command('02')).toBe(`${ACK} 13 37`);
    expect(w.command('02')).toContain('D5 03 32');
  });

  it('is strict about SAMConfiguration in low-VBat only while asked to be', () => {
    const w = chipOnWire();
    const strict = w.twin.behave(pn532Faults.requireSamConfigurationFirst());
    w.send(`55 ${frame('02')}`);
    expect(w.take()).toBe(`${ACK} ${ERROR}`);
    strict();
    expect(w.command('02')).toContain('D5 03 32');
  });
});
