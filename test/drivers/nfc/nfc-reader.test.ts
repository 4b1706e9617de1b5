import { afterEach, describe, expect, it } from 'vitest';
import { Signer } from '../../../src/crypto/ed25519.js';
import { ApduClient } from '../../../src/drivers/iso7816/apdu-client.js';
import type { CardChannel } from '../../../src/drivers/iso7816/card-channel.js';
import { NfcError } from '../../../src/drivers/nfc/errors.js';
import { NfcReader } from '../../../src/drivers/nfc/nfc-reader.js';
import { IsoDepCard } from '../../../hw-sim/cards/iso-dep-card.js';
import { NtagTag } from '../../../hw-sim/cards/ntag-tag.js';
import { WalletApplet } from '../../../hw-sim/cards/wallet-applet.js';
import { pn532Faults } from '../../../hw-sim/pn532/faults.js';
import { until } from '../../support/wait.js';
import { h, hex } from './hex.js';
import { fastPn532, nfcTerminal, readerRig, type ReaderRig } from './rig.js';
import { DOC_WALLET_AID, proveWallet } from './wallet-session.js';

const rigs: ReaderRig[] = [];
afterEach(async () => {
  while (rigs.length) await rigs.pop()!.stop();
});

async function rig(...args: Parameters<typeof readerRig>): Promise<ReaderRig> {
  const r = await readerRig(...args);
  rigs.push(r);
  return r;
}

function walletCard(wallet = new WalletApplet()): IsoDepCard {
  return new IsoDepCard([wallet], { label: 'phone wallet' });
}

describe('NfcReader: taps', () => {
  it('reports a plain tag (not ISO-DEP), and its removal', async () => {
    const r = await rig();
    const tag = new NtagTag();
    r.twin.enterField(tag);
    await until(() => r.cards.length === 1, 'card event');
    const card = r.cards[0]!;
    expect(card).toMatchObject({ tapId: 1, uidHex: '045a31922b6c80', sak: 0x00, isoDep: false, randomUid: false, ats: undefined });
    expect(hex(card.atqa)).toBe('00 44');
    expect(() => r.reader.channel()).toThrow(expect.objectContaining({ code: 'not_iso_dep' }));
    expect(hex(await r.reader.exchange(card, h('30 00')))).toMatch(/^04 5A 31/);
    r.twin.leaveField(tag);
    await until(() => r.removals.length === 1, 'removed event');
    expect(r.removals[0]).toMatchObject({ card: { tapId: 1 }, reason: 'left_field' });
    expect(r.reader.card).toBeUndefined();
  });

  it('reports an ISO-DEP phone with its random UID and ATS, and gives its APDU channel', async () => {
    const r = await rig();
    r.twin.enterField(walletCard());
    await until(() => r.cards.length === 1, 'card event');
    const card = r.cards[0]!;
    expect(card).toMatchObject({ isoDep: true, sak: 0x20, randomUid: true });
    expect(card.uid[0]).toBe(0x08);
    expect(hex(card.ats!)).toBe('05 78 80 70 02');
    const fci = await new ApduClient(r.reader.channel()).select(DOC_WALLET_AID);
    expect(fci[0]).toBe(0x6f);
  });

  it('sends health events only when the health changes', async () => {
    const r = await rig();
    const eventsWhenReady = r.health.length;
    r.twin.enterField(new NtagTag());
    await until(() => r.cards.length === 1);
    r.twin.leaveField();
    await until(() => r.removals.length === 1);
    expect(r.statuses).toEqual(['connecting', 'ready']);
    expect(r.health).toHaveLength(eventsWhenReady); // a tap is no change of health
    const events = r.health.map((h) => JSON.stringify([h.state, h.reason, h.detail]));
    events.slice(1).forEach((event, i) => expect(event).not.toBe(events[i]));
  });
});

describe('NfcReader: the wallet over ISO-DEP', () => {
  it('verifies the wallet challenge-response with the key from its FCI', async () => {
    const r = await rig();
    const wallet = new WalletApplet({ signer: Signer.fromSeed(new Uint8Array(32).fill(3)) });
    r.twin.enterField(walletCard(wallet));
    await until(() => r.cards.length === 1);
    const proof = await proveWallet(r.reader.channel());
    expect(proof.verified).toBe(true);
    expect(hex(proof.walletId)).toBe(hex(wallet.walletId));
    expect(hex(proof.publicKey)).toBe(hex(wallet.publicKey));
  });

  it('rejects a forged answer: a tampered signature, and a wallet announcing a key it does not hold', async () => {
    const r = await rig();
    r.twin.enterField(walletCard());
    await until(() => r.cards.length === 1);
    const honest = r.reader.channel();
    const tampering: CardChannel = {
      transmit: async (apdu) => {
        const answer = await honest.transmit(apdu);
        if (apdu[1] === 0x88) answer[10] = answer[10]! ^ 0x01;
        return answer;
      },
    };
    expect((await proveWallet(tampering)).verified).toBe(false);
    expect((await proveWallet(honest)).verified).toBe(true);

    r.twin.leaveField();
    await until(() => r.removals.length === 1);
    const victim = Signer.generate();
    r.twin.enterField(walletCard(new WalletApplet({ advertisedPublicKey: victim.publicKey })));
    await until(() => r.cards.length === 2);
    const forged = await proveWallet(r.reader.channel());
    expect(hex(forged.publicKey)).toBe(hex(victim.publicKey));
    expect(forged.verified).toBe(false);
  });

  it('reads a long answer through GET RESPONSE (61XX) with chaining both ways on the PN532', async () => {
    const r = await rig({ maxDataInPerFrame: 100 }, { pn532: { maxDataOutPerFrame: 64 } });
    const card = walletCard();
    r.twin.enterField(card);
    await until(() => r.cards.length === 1);
    const client = new ApduClient(r.reader.channel());
    await client.select(DOC_WALLET_AID);
    const data = Uint8Array.from({ length: 200 }, (_, i) => (i * 13 + 1) & 0xff);
    const answer = await client.send({ cla: 0x80, ins: 0xe0, p1: 3, p2: 0x00, data, le: 256 });
    expect(answer.length).toBe(600);
    expect(Buffer.compare(Buffer.from(answer), Buffer.concat([data, data, data]))).toBe(0);
    expect(card.log.map((e) => hex(e.command.subarray(0, 5)))).toEqual(['00 A4 04 00 07', '80 E0 03 00 C8', '00 C0 00 00 00', '00 C0 00 00 58']);
    const tgBytes = r.twin.commands.filter((c) => c.code === 0x40).map((c) => c.params[0]!);
    expect(tgBytes.filter((b) => b === 0x41).length).toBeGreaterThan(0);
    expect(r.twin.commands.some((c) => c.code === 0x40 && c.params.length === 1)).toBe(true); // fetching chip-side parts
  });

  it('re-sends with the exact Le after 6CXX', async () => {
    const r = await rig();
    const wallet = new WalletApplet();
    r.twin.enterField(walletCard(wallet));
    await until(() => r.cards.length === 1);
    const client = new ApduClient(r.reader.channel());
    await client.select(DOC_WALLET_AID);
    const id = await client.send({ cla: 0x00, ins: 0xca, p1: 0xdf, p2: 0x20, le: 4 });
    expect(hex(id)).toBe(hex(wallet.walletId));
    await expect(client.send({ cla: 0x00, ins: 0xca, p1: 0xdf, p2: 0x77, le: 4 })).rejects.toMatchObject({ code: 'status', sw: 0x6a88 });
  });

  it('a card pulled away mid-exchange gives card_lost; the old channel is dead; the next tap works', async () => {
    const r = await rig();
    const wallet = new WalletApplet();
    const phone = walletCard(wallet);
    r.twin.enterField(phone);
    await until(() => r.cards.length === 1);
    const first = r.reader.channel();
    const client = new ApduClient(first);
    await client.select(DOC_WALLET_AID);
    r.twin.behave(pn532Faults.loseCardOnExchange());
    const err = await client.send({ cla: 0x00, ins: 0x88, p1: 0, p2: 0, data: new Uint8Array(32), le: 256 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NfcError);
    expect(err).toMatchObject({ code: 'card_lost', cause: { code: 'target_lost', chipStatus: 0x01 } });
    expect(r.removals).toMatchObject([{ card: { tapId: 1 }, reason: 'lost_during_exchange' }]);
    await expect(first.transmit(h('00 A4 04 00 00'))).rejects.toMatchObject({ code: 'no_card' });

    r.twin.enterField(phone);
    await until(() => r.cards.length === 2, 'second tap');
    expect(r.cards[1]!.tapId).toBe(2);
    expect(r.cards[1]!.uidHex).not.toBe(r.cards[0]!.uidHex); // a phone's UID says nothing about the wallet
    await expect(first.transmit(h('00 A4 04 00 00'))).rejects.toMatchObject({ code: 'no_card' });
    const proof = await proveWallet(r.reader.channel());
    expect(proof.verified).toBe(true);
    expect(hex(proof.walletId)).toBe(hex(wallet.walletId));
    expect(r.statuses).toEqual(['connecting', 'ready']);
  });

  it('a card that leaves while the chip waits for its answer gives card_lost too', async () => {
    const r = await rig();
    const phone = walletCard();
    r.twin.enterField(phone);
    await until(() => r.cards.length === 1);
    const channel = r.reader.channel();
    const slow = r.twin.behave(pn532Faults.delayResponses(30));
    const pending = channel.transmit(h(`00 A4 04 00 07 ${hex(DOC_WALLET_AID)} 00`));
    setTimeout(() => r.twin.leaveField(phone), 5);
    await expect(pending).rejects.toMatchObject({ code: 'card_lost' });
    slow();
    r.twin.enterField(phone);
    await until(() => r.cards.length === 2, 'next tap');
  });
});

describe('NfcReader: the reader itself', () => {
  it('unplugged and replugged mid-poll, it re-initialises by itself and sees the next tap', async () => {
    const r = await rig();
    await until(() => r.twin.commands.some((c) => c.code === 0x4a), 'polling');
    await r.unplug();
    await until(() => r.reader.health().state === 'connecting', 'connecting');
    await r.plug();
    await until(() => r.reader.health().state === 'ready', 'ready again');
    expect(r.statuses).toEqual(['connecting', 'ready', 'connecting', 'ready']);
    expect(r.twin.counters.wakeUps).toBe(2);
    r.twin.enterField(walletCard());
    await until(() => r.cards.length === 1, 'tap after replug');
    expect((await proveWallet(r.reader.channel())).verified).toBe(true);
  });

  it('a card in the field when the reader is unplugged is reported removed (reader_down)', async () => {
    const r = await rig();
    const tag = new NtagTag();
    r.twin.enterField(tag);
    await until(() => r.cards.length === 1);
    await r.unplug();
    await until(() => r.removals.length === 1);
    expect(r.removals[0]!.reason).toBe('reader_down');
    await r.plug();
    await until(() => r.cards.length === 2, 'tag found again after replug');
  });

  it('says why it is connecting when nothing is there at start, and ready once the reader appears', async () => {
    const terminal = await nfcTerminal();
    await terminal.unplug('nfc');
    const reader = await NfcReader.open(terminal.devices.nfc.uri, { ...terminal.env, reopen: { minMs: 5, maxMs: 10 } }, { pn532: fastPn532 });
    const statuses: string[] = [];
    reader.on('health', (h) => statuses.at(-1) !== h.state && statuses.push(h.state));
    reader.start();
    try {
      await until(() => reader.health().state === 'connecting' && reader.health().reason !== null);
      await terminal.plug('nfc');
      await until(() => reader.health().state === 'ready');
      expect(statuses).toEqual(['connecting', 'ready']);
    } finally {
      await reader.stop();
      await terminal.close();
    }
    expect(reader.health().state).toBe('stopped');
  });

  it('says the chip answers nothing when the port opens but no chip answers', async () => {
    const terminal = await nfcTerminal();
    terminal.twins.nfc.behave(pn532Faults.stopAnswering());
    const reader = await NfcReader.open(terminal.devices.nfc.uri, terminal.env, { pn532: { ...fastPn532, ackAttempts: 1 } });
    reader.start();
    try {
      await until(() => reader.health().state === 'connecting' && reader.health().reason !== null);
      expect(reader.pn532.health().detail.phase).toBe('unresponsive');
    } finally {
      await reader.stop();
      await terminal.close();
    }
  });

  it('says degraded while polls keep failing, and ready again when they work', async () => {
    const r = await rig({}, { errorThreshold: 3 });
    r.twin.behave(pn532Faults.errorFrames(3));
    await until(() => r.reader.health().state === 'degraded', 'degraded health');
    await until(() => r.reader.health().state === 'ready', 'ready again');
    expect(r.statuses).toEqual(['connecting', 'ready', 'degraded', 'ready']);
    r.twin.enterField(new NtagTag());
    await until(() => r.cards.length === 1, 'tap after the errors');
  });

  it('stop() during a poll ends it cleanly; the channel then says stopped', async () => {
    const r = await rig();
    r.twin.enterField(new NtagTag());
    await until(() => r.cards.length === 1);
    const card = r.cards[0]!;
    rigs.pop();
    await r.reader.stop();
    expect(r.removals.at(-1)?.reason).toBe('stopped');
    await expect(r.reader.exchange(card, h('30 00'))).rejects.toMatchObject({ code: 'stopped' });
    expect(r.statuses.at(-1)).toBe('stopped');

    r.reader.start(); // a stopped reader can be started again
    rigs.push(r);
    await until(() => r.reader.health().state === 'ready', 'ready after restart');
    await until(() => r.cards.length === 2, 'the tag is found again');
    expect(r.twin.counters.wakeUps).toBe(2);
  });
});
