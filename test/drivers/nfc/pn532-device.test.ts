import { afterEach, describe, expect, it } from 'vitest';
import { Pn532Error } from '../../../src/drivers/pn532/errors.js';
import { Pn532, type Pn532Detail } from '../../../src/drivers/pn532/pn532.js';
import { openLink } from '../../../src/drivers/transport/open-link.js';
import { pn532Faults } from '../../../hw-sim/pn532/faults.js';
import { IsoDepCard } from '../../../hw-sim/cards/iso-dep-card.js';
import { NtagTag } from '../../../hw-sim/cards/ntag-tag.js';
import { WALLET_AID, WalletApplet } from '../../../hw-sim/cards/wallet-applet.js';
import { sleep, until } from '../../support/wait.js';
import { chipRig, fastPn532, nfcTerminal, type ChipRig } from './rig.js';
import { h, hex } from './hex.js';

const rigs: ChipRig[] = [];
afterEach(async () => {
  while (rigs.length) await rigs.pop()!.stop();
});

async function rig(...args: Parameters<typeof chipRig>): Promise<ChipRig> {
  const r = await chipRig(...args);
  rigs.push(r);
  return r;
}

const SELECT_WALLET = h(`00 A4 04 00 07 ${hex(WALLET_AID)} 00`);

async function listWallet(r: ChipRig, wallet = new WalletApplet()): Promise<IsoDepCard> {
  const card = new IsoDepCard([wallet]);
  r.twin.enterField(card);
  const [target] = await r.pn532.inListPassiveTarget();
  expect(target?.selRes).toBe(0x20);
  return card;
}

describe('PN532 driver against the twin (SimBus)', () => {
  it('wakes the chip and configures it by itself: SAMConfiguration first, then firmware and MaxRetries', async () => {
    const r = await rig();
    expect(r.pn532.health().detail.phase).toBe('ready');
    expect(r.pn532.firmware).toEqual({ ic: 0x32, version: 1, revision: 6, support: 7 });
    expect(r.twin.counters.wakeUps).toBe(1);
    expect(r.twin.commands.map((c) => c.code)).toEqual([0x14, 0x02, 0x32]);
    expect(hex(r.twin.commands[2]!.params)).toBe('05 FF 01 0A');
    expect(r.twin.passiveActivationRetries).toBe(0x0a);
  });

  it('resends a command whose frame was lost (no ACK)', async () => {
    const r = await rig();
    r.twin.behave(pn532Faults.ignoreCommands());
    await expect(r.pn532.getFirmwareVersion()).resolves.toMatchObject({ ic: 0x32 });
    expect(r.pn532.stats.resends).toBe(1);
  });

  it('resends after a lost ACK when the response is slow, and takes a response that came without its ACK', async () => {
    const r = await rig();
    r.twin.behave(pn532Faults.dropAcks());
    await r.pn532.getFirmwareVersion();
    expect(r.pn532.stats.resends).toBe(0);

    r.twin.behave(pn532Faults.delayResponses(r.pn532.options.ackTimeoutMs * 2), pn532Faults.dropAcks());
    r.twin.clearLog();
    await expect(r.pn532.getFirmwareVersion()).resolves.toMatchObject({ version: 1 });
    expect(r.pn532.stats.resends).toBe(1);
    expect(r.twin.commands.map((c) => c.code)).toEqual([0x02, 0x02]);
  });

  it('NACKs a corrupted response and gets it again', async () => {
    const r = await rig();
    r.twin.behave(pn532Faults.corruptResponses());
    await expect(r.pn532.getFirmwareVersion()).resolves.toMatchObject({ ic: 0x32 });
    expect(r.pn532.stats.nacksSent).toBe(1);
    expect(r.twin.counters.nacksReceived).toBe(1);
  });

  it('gives up with bad_frame when every copy is corrupted', async () => {
    const r = await rig({}, { nackAttempts: 2 });
    r.twin.behave(pn532Faults.corruptResponses(3)); // the first copy and both repeats
    await expect(r.pn532.getFirmwareVersion()).rejects.toMatchObject({ name: 'Pn532Error', code: 'bad_frame' });
    expect(r.twin.counters.nacksReceived).toBe(2);
    await expect(r.pn532.getFirmwareVersion()).resolves.toMatchObject({ ic: 0x32 });
  });

  it('reports the syntax error frame as error_frame, and the next command works', async () => {
    const r = await rig();
    r.twin.behave(pn532Faults.errorFrames());
    await expect(r.pn532.getFirmwareVersion()).rejects.toMatchObject({ code: 'error_frame' });
    await expect(r.pn532.getFirmwareVersion()).resolves.toMatchObject({ ic: 0x32 });
  });

  it('ignores garbage on the line, even a false start code that swallows the response', async () => {
    const r = await rig();
    r.twin.sendRaw(h('13 FF 00 37 00 00 FF 03'));
    await expect(r.pn532.getFirmwareVersion()).resolves.toMatchObject({ ic: 0x32 });

    r.twin.behave(pn532Faults.delayResponses(10));
    const pending = r.pn532.getFirmwareVersion();
    await until(() => r.twin.counters.acksSent >= 5, 'ACK of the command');
    r.twin.sendRaw(h('00 FF 81 7F')); // a header with a valid LCS: the response lands in its "body"
    await expect(pending).resolves.toMatchObject({ ic: 0x32 });
    expect(r.pn532.stats.nacksSent).toBe(0); // found again in the bytes it swallowed, not fetched again
  });

  it('times out a response that never comes, aborts it in the chip, and carries on', async () => {
    const r = await rig({}, { responseTimeoutMs: 60 });
    const slow = r.twin.behave(pn532Faults.delayResponses(300));
    await expect(r.pn532.getFirmwareVersion()).rejects.toMatchObject({ code: 'response_timeout' });
    expect(r.twin.counters.hostAcks).toBe(1);
    slow();
    await expect(r.pn532.getFirmwareVersion()).resolves.toMatchObject({ ic: 0x32 });
    await sleep(300);
    expect(r.pn532.stats.staleFrames).toBe(0); // the aborted command never answered
  });

  it('answers an empty list after the chip has used its MaxRetries', async () => {
    const r = await rig({ passiveActivationAttemptMs: 2 });
    await expect(r.pn532.inListPassiveTarget()).resolves.toEqual([]);
    r.twin.enterField(new NtagTag());
    const [tag] = await r.pn532.inListPassiveTarget();
    expect(hex(tag!.nfcId)).toBe('04 5A 31 92 2B 6C 80');
    expect(hex(await r.pn532.inDataExchange(1, h('30 04')))).toBe('03 00 FE 00 00 00 00 00 00 00 00 00 00 00 00 00');
  });

  it('chains long host data with MI, and fetches a long answer part by part', async () => {
    const r = await rig({ maxDataInPerFrame: 40 }, { maxDataOutPerFrame: 48 });
    const card = await listWallet(r);
    const fci = await r.pn532.inDataExchange(1, SELECT_WALLET);
    expect(hex(fci.subarray(-2))).toBe('90 00');
    expect(fci.length).toBe(73);
    r.twin.clearLog();
    const payload = Uint8Array.from({ length: 200 }, (_, i) => (i * 7) & 0xff);
    const echo = Uint8Array.from([0x80, 0xe0, 0x00, 0x00, 200, ...payload, 0x00]);
    const answer = await r.pn532.inDataExchange(1, echo);
    expect(Buffer.compare(Buffer.from(answer.subarray(0, 200)), Buffer.from(payload))).toBe(0);
    expect(hex(answer.subarray(200))).toBe('90 00');
    // 206 bytes out in 48-byte frames: 5 frames, MI on the first 4. 202 bytes back in 40-byte parts: 6 frames.
    const tgBytes = r.twin.commands.map((c) => c.params[0]!);
    expect(tgBytes).toEqual([0x41, 0x41, 0x41, 0x41, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01]);
    expect(hex(card.log.at(-1)!.command)).toBe(hex(echo));
  });

  it('uses extended frames both ways when an exchange is longer than a normal frame holds', async () => {
    const r = await rig();
    await listWallet(r);
    await r.pn532.inDataExchange(1, SELECT_WALLET);
    const data = Uint8Array.from({ length: 250 }, (_, i) => 255 - i);
    // 256-byte C-APDU -> 258 packet bytes (extended host frame); 3 x 250 = 750 bytes -> 256 + 61XX first (extended chip frame).
    const answer = await r.pn532.inDataExchange(1, Uint8Array.from([0x80, 0xe0, 0x03, 0x00, 250, ...data, 0x00]));
    expect(answer.length).toBe(258);
    expect(hex(answer.subarray(256))).toBe('61 00');
    expect(Buffer.compare(Buffer.from(answer.subarray(0, 250)), Buffer.from(data))).toBe(0);
    expect(r.twin.commands.at(-1)!.params.length).toBe(257);
  });

  it('puts the chip to sleep with PowerDown and wakes it for the next command', async () => {
    const r = await rig();
    await r.pn532.powerDown();
    expect(r.twin.asleep).toBe(true);
    await expect(r.pn532.getFirmwareVersion()).resolves.toMatchObject({ ic: 0x32 });
    expect(r.twin.counters.wakeUps).toBe(2);
    expect(r.pn532.stats.resends).toBe(0);
  });

  it('reports a card that left the field as target_lost with the chip status', async () => {
    const r = await rig();
    const card = await listWallet(r);
    r.twin.leaveField(card);
    const err = await r.pn532.inDataExchange(1, SELECT_WALLET).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Pn532Error);
    expect(err).toMatchObject({ code: 'target_lost', chipStatus: 0x01, chipStatusName: 'timeout' });
    await expect(r.pn532.checkCardPresence()).resolves.toBe(false);
  });

  it('fails with link_down when the reader is unplugged mid-command, and re-initialises after replug', async () => {
    const r = await rig();
    const slow = r.twin.behave(pn532Faults.delayResponses(100));
    const pending = r.pn532.getFirmwareVersion();
    await until(() => r.twin.counters.acksSent >= 4, 'ACK');
    await r.unplug();
    await expect(pending).rejects.toMatchObject({ code: 'link_down' });
    expect(r.pn532.health().detail.phase).toBe('connecting');
    await expect(r.pn532.getFirmwareVersion()).rejects.toMatchObject({ code: 'link_down' });
    slow();
    r.twin.clearLog();
    await r.plug();
    await r.pn532.waitReady(5000);
    expect(r.twin.counters.wakeUps).toBe(2);
    expect(r.twin.commands.map((c) => c.code)).toEqual([0x14, 0x02, 0x32]);
  });

  it('notices a chip that reset under it (no ACK) and wakes and configures it again', async () => {
    const r = await rig({}, { ackAttempts: 2 });
    const statuses: string[] = [];
    r.pn532.on('health', (h) => statuses.at(-1) !== h.detail.phase && statuses.push(h.detail.phase));
    r.twin.powerCycle();
    await expect(r.pn532.getFirmwareVersion()).rejects.toMatchObject({ code: 'ack_timeout' });
    await r.pn532.waitReady(5000);
    expect(statuses).toEqual(['unresponsive', 'initialising', 'ready']);
    expect(r.twin.counters.wakeUps).toBe(2);
    await expect(r.pn532.getFirmwareVersion()).resolves.toMatchObject({ ic: 0x32 });
  });

  it('retries initialisation when the chip does not answer at first', async () => {
    const terminal = await nfcTerminal();
    const twin = terminal.twins.nfc;
    twin.behave(pn532Faults.ignoreCommands(3)); // every send of the first SAMConfiguration is lost
    const pn532 = new Pn532(await openLink(terminal.devices.nfc.uri, terminal.env, 115200), { ...fastPn532, ackAttempts: 3 });
    const statuses: string[] = [];
    pn532.on('health', (h) => statuses.at(-1) !== h.detail.phase && statuses.push(h.detail.phase));
    pn532.start();
    try {
      await pn532.waitReady(5000);
      expect(statuses).toEqual(['connecting', 'initialising', 'unresponsive', 'initialising', 'ready']);
      expect(twin.commands.map((c) => c.code)).toEqual([0x14, 0x02, 0x32]);
    } finally {
      await pn532.stop();
      await terminal.close();
    }
  });

  it('refuses a chip that is not a PN532 (health failed, retried)', async () => {
    const terminal = await nfcTerminal({ firmware: [0x33, 0x02, 0x01, 0x07] });
    const pn532 = new Pn532(await openLink(terminal.devices.nfc.uri, terminal.env, 115200), { initRetryMs: 10_000 });
    const failed = new Promise<Pn532Detail>((resolve) => pn532.on('health', (h) => h.state === 'failed' && resolve(h.detail)));
    pn532.start();
    try {
      await expect(failed).resolves.toMatchObject({ failure: 'unsupported_chip' });
      await expect(pn532.getFirmwareVersion()).rejects.toMatchObject({ code: 'not_ready' });
    } finally {
      await pn532.stop();
      await terminal.close();
    }
  });

  it('aborts the command under way when stopped', async () => {
    const r = await rig();
    r.twin.behave(pn532Faults.delayResponses(500));
    const pending = r.pn532.getFirmwareVersion();
    await until(() => r.twin.counters.acksSent >= 4, 'ACK');
    await r.pn532.stop();
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
    expect(r.pn532.health().detail.phase).toBe('stopped');
  });
});
