import { afterEach, describe, expect, it } from 'vitest';
import { IsoDepCard } from '../../../hw-sim/cards/iso-dep-card.js';
import { NtagTag } from '../../../hw-sim/cards/ntag-tag.js';
import { WalletApplet, WALLET_AID } from '../../../hw-sim/cards/wallet-applet.js';
import { pn532Faults } from '../../../hw-sim/pn532/faults.js';
import { Pn532Twin, type Pn532TwinOptions } from '../../../hw-sim/pn532/pn532-twin.js';
import { until } from '../../support/wait.js';

// The twin is checked with hand-written frames, not with the driver's encoder.
const h = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase().replace(/(..)(?=.)/g, '$1 ');

const WAKE = '55 55 00 00 00 00 00 00 00 00 00 00 00 00 00 00';
const SAM = '00 00 FF 05 FB D4 14 01 00 01 16 00';
const SAM_OK = '00 00 FF 02 FE D5 15 16 00';
const ACK = '00 00 FF 00 FF 00';
const NACK = '00 00 FF FF 00 00';
const ERROR = '00 00 FF 01 FF 7F 81 00';
const GET_FIRMWARE = '00 00 FF 02 FE D4 02 2A 00';
const FIRMWARE = '00 00 FF 06 FA D5 03 32 01 06 07 E8 00';
const LIST_ONE_A = '00 00 FF 04 FC D4 4A 01 00 E1 00';

/** Builds a host frame by hand: TFI D4 + packet. */
function frame(packet: string): string {
  const body = [0xd4, ...h(packet)];
  const len = body.length;
  const dcs = (0x100 - (body.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  return hex(Uint8Array.from([0, 0, 0xff, len, (0x100 - len) & 0xff, ...body, dcs, 0]));
}

function wire(options: Partial<Pn532TwinOptions> = {}) {
  const twin = new Pn532Twin(options);
  const chunks: Uint8Array[] = [];
  twin.attachHost((bytes) => chunks.push(Uint8Array.from(bytes)));
  return {
    twin,
    send: (text: string) => twin.receiveFromHost(h(text)),
    /** Everything the twin sent since the last call. */
    take: (): string => {
      const out = hex(Uint8Array.from(Buffer.concat(chunks)));
      chunks.length = 0;
      return out;
    },
    /** Wake, configure, and forget the answers. */
    awake: function () {
      this.send(`${WAKE} ${SAM}`);
      this.take();
      return this;
    },
  };
}

const timers: NodeJS.Timeout[] = [];
afterEach(() => timers.forEach(clearTimeout));

describe('PN532 twin: power and configuration', () => {
  it('sleeps at power-up: frames are lost until 55 wakes it, then SAMConfiguration is answered', () => {
    const w = wire();
    w.send(GET_FIRMWARE);
    expect(w.take()).toBe('');
    expect(w.twin.asleep).toBe(true);
    w.send(`${WAKE} ${SAM}`);
    expect(w.take()).toBe(`${ACK} ${SAM_OK}`);
    expect(w.twin.counters.wakeUps).toBe(1);
    w.send(GET_FIRMWARE);
    expect(w.take()).toBe(`${ACK} ${FIRMWARE}`);
  });

  it('as a strict chip, wants SAMConfiguration first after power-up (low VBat)', () => {
    const w = wire();
    w.twin.behave(pn532Faults.requireSamConfigurationFirst());
    w.send(`${WAKE} ${GET_FIRMWARE}`);
    expect(w.take()).toBe(`${ACK} ${ERROR}`);
    w.send(SAM);
    expect(w.take()).toBe(`${ACK} ${SAM_OK}`);
  });

  it('accepts frames in any chunking, with no preamble, and with an extended header', () => {
    const w = wire().awake();
    for (const b of h(GET_FIRMWARE)) w.twin.receiveFromHost(Uint8Array.of(b));
    expect(w.take()).toBe(`${ACK} ${FIRMWARE}`);
    w.send('00 FF 02 FE D4 02 2A 00');
    expect(w.take()).toBe(`${ACK} ${FIRMWARE}`);
    w.send('00 00 FF FF FF 00 02 FE D4 02 2A 00');
    expect(w.take()).toBe(`${ACK} ${FIRMWARE}`);
  });

  it('ignores a frame with a bad checksum (no ACK) and garbage around frames', () => {
    const w = wire().awake();
    w.send('00 00 FF 02 FE D4 02 2B 00');
    w.send('00 00 FF 03 FE D4 02 2A 00');
    expect(w.take()).toBe('');
    expect(w.twin.counters.corruptFramesReceived).toBe(2);
    w.send(`13 37 FF ${GET_FIRMWARE} FF`);
    expect(w.take()).toBe(`${ACK} ${FIRMWARE}`);
  });

  it('answers the NACK with the last response, correct even when the first copy was corrupted', () => {
    const w = wire().awake();
    w.twin.behave(pn532Faults.corruptResponses());
    w.send(GET_FIRMWARE);
    const corrupted = w.take();
    expect(corrupted).not.toBe(`${ACK} ${FIRMWARE}`);
    expect(corrupted.startsWith(`${ACK} 00 00 FF 06 FA D5 03 32 01 06 07`)).toBe(true);
    w.send(NACK);
    expect(w.take()).toBe(FIRMWARE);
  });

  it('answers unknown commands and bad parameters with the syntax error frame', () => {
    const w = wire().awake();
    w.send(frame('60'));
    expect(w.take()).toBe(`${ACK} ${ERROR}`);
    w.send(frame('32 05 FF 01'));
    expect(w.take()).toBe(`${ACK} ${ERROR}`);
    w.twin.behave(pn532Faults.errorFrames());
    w.send(GET_FIRMWARE);
    expect(w.take()).toBe(`${ACK} ${ERROR}`);
  });

  it('loses the ACK or the whole command on demand', () => {
    const w = wire().awake();
    w.twin.behave(pn532Faults.dropAcks());
    w.send(GET_FIRMWARE);
    expect(w.take()).toBe(FIRMWARE);
    w.twin.behave(pn532Faults.ignoreCommands());
    w.send(GET_FIRMWARE);
    expect(w.take()).toBe('');
    w.send(GET_FIRMWARE);
    expect(w.take()).toBe(`${ACK} ${FIRMWARE}`);
  });

  it('goes to sleep after PowerDown, and powers off when the host side detaches', () => {
    const w = wire().awake();
    w.send(frame('16 10'));
    expect(w.take()).toBe(`${ACK} 00 00 FF 03 FD D5 17 00 14 00`);
    expect(w.twin.asleep).toBe(true);
    w.send(GET_FIRMWARE);
    expect(w.take()).toBe('');
    w.send(`55 55 00 00 ${GET_FIRMWARE}`);
    expect(w.take()).toBe(`${ACK} ${FIRMWARE}`);
    w.twin.attachHost(null);
    expect(w.twin.asleep).toBe(true);
    expect(w.twin.samConfigured).toBe(false);
  });
});

describe('PN532 twin: targets', () => {
  it('lists an NTAG in the field: D5 4B NbTg Tg SENS_RES SEL_RES NFCIDLength NFCID', () => {
    const w = wire().awake();
    w.twin.enterField(new NtagTag());
    w.send(LIST_ONE_A);
    expect(w.take()).toBe(`${ACK} 00 00 FF 0F F1 D5 4B 01 01 00 44 00 07 04 5A 31 92 2B 6C 80 5B 00`);
    w.send(frame('40 01 30 00'));
    expect(w.take()).toBe(`${ACK} 00 00 FF 13 ED D5 41 00 04 5A 31 E7 92 2B 6C 80 55 48 00 00 E1 10 12 00 2B 00`);
  });

  it('lists an ISO-DEP card with its ATS', () => {
    const w = wire().awake();
    w.twin.enterField(new IsoDepCard([], { uid: h('08 A1 B2 C3') }));
    w.send(LIST_ONE_A);
    expect(w.take()).toBe(`${ACK} 00 00 FF 11 EF D5 4B 01 01 00 04 20 04 08 A1 B2 C3 05 78 80 70 02 29 00`);
  });

  it('waits MaxRetries passive activations, then answers NbTg 0', async () => {
    const w = wire({ passiveActivationAttemptMs: 3 }).awake();
    w.send(frame('32 05 FF 01 02'));
    expect(w.take()).toBe(`${ACK} 00 00 FF 02 FE D5 33 F8 00`);
    expect(w.twin.passiveActivationRetries).toBe(2);
    w.send(LIST_ONE_A);
    expect(w.take()).toBe(ACK);
    let got = '';
    await until(() => (got += w.take()) !== '', 'NbTg 0 answer');
    expect(got).toBe('00 00 FF 03 FD D5 4B 00 E0 00');
  });

  it('answers a waiting InListPassiveTarget as soon as a target enters; a host ACK aborts the wait', () => {
    const w = wire().awake(); // MaxRetries passive 0xFF: wait forever
    w.send(LIST_ONE_A);
    expect(w.take()).toBe(ACK);
    w.twin.enterField(new NtagTag());
    expect(w.take()).toContain('D5 4B 01 01 00 44');
    w.twin.leaveField();
    w.send(LIST_ONE_A);
    w.take();
    w.send(ACK);
    w.twin.enterField(new NtagTag());
    expect(w.take()).toBe('');
    expect(w.twin.counters.hostAcks).toBe(1);
  });

  it('reports a target that left the field as status 0x01, and an unknown target as 0x27', () => {
    const w = wire().awake();
    const tag = new NtagTag();
    w.send(frame('40 01 30 00'));
    expect(w.take()).toBe(`${ACK} 00 00 FF 03 FD D5 41 27 C3 00`);
    w.twin.enterField(tag);
    w.send(LIST_ONE_A);
    w.take();
    w.twin.leaveField(tag);
    w.send(frame('40 01 30 00'));
    expect(w.take()).toBe(`${ACK} 00 00 FF 03 FD D5 41 01 E9 00`);
    w.send(frame('00 06'));
    expect(w.take()).toBe(`${ACK} 00 00 FF 03 FD D5 01 27 03 00`);
  });

  it('loses the card in the middle of an exchange on demand, and when it leaves during processing', async () => {
    const w = wire().awake();
    const card = new IsoDepCard([new WalletApplet()]);
    w.twin.enterField(card);
    w.send(LIST_ONE_A);
    w.take();
    w.twin.behave(pn532Faults.loseCardOnExchange());
    w.send(frame(`40 01 00 A4 04 00 07 ${hex(WALLET_AID)} 00`));
    expect(w.take()).toBe(`${ACK} 00 00 FF 03 FD D5 41 01 E9 00`);
    expect(w.twin.targetsInField).toEqual([]);

    w.twin.enterField(card);
    w.send(LIST_ONE_A);
    w.take();
    w.twin.behave(pn532Faults.delayResponses(20));
    w.send(frame(`40 01 00 A4 04 00 07 ${hex(WALLET_AID)} 00`));
    expect(w.take()).toBe(ACK);
    w.twin.leaveField(card);
    let got = '';
    await until(() => (got += w.take()) !== '', 'exchange answer');
    expect(got).toBe('00 00 FF 03 FD D5 41 01 E9 00');
  });

  it('chains host data (Tg MI) into one APDU and a long answer into parts (status MI)', () => {
    const w = wire({ maxDataInPerFrame: 8 }).awake();
    const card = new IsoDepCard([new WalletApplet()]);
    w.twin.enterField(card);
    w.send(LIST_ONE_A);
    w.take();
    w.send(frame(`40 01 00 A4 04 00 07 ${hex(WALLET_AID)} 00`)); // SELECT: its FCI comes in 8-byte parts
    expect(w.take()).toContain('D5 41 40 6F');
    // ECHO 80 E0 00 00 0A <10 bytes> 00, sent as 6 + 11 bytes.
    w.send(frame('40 41 80 E0 00 00 0A 01'));
    expect(w.take()).toBe(`${ACK} 00 00 FF 03 FD D5 41 00 EA 00`);
    w.send(frame('40 01 02 03 04 05 06 07 08 09 0A 00'));
    expect(w.take()).toBe(`${ACK} 00 00 FF 0B F5 D5 41 40 01 02 03 04 05 06 07 08 ${checksum('D5 41 40 01 02 03 04 05 06 07 08')} 00`);
    expect(hex(card.log[1]!.command)).toBe('80 E0 00 00 0A 01 02 03 04 05 06 07 08 09 0A 00');
    w.send(frame('40 01'));
    expect(w.take()).toContain('D5 41 00 09 0A 90 00');
  });
});

function checksum(body: string): string {
  const sum = h(body).reduce((a, b) => a + b, 0);
  return hex(Uint8Array.of((0x100 - (sum & 0xff)) & 0xff));
}
