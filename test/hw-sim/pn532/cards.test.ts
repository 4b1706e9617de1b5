import { describe, expect, it } from 'vitest';
import { Signer, verify } from '../../../src/crypto/ed25519.js';
import { IsoDepCard } from '../../../hw-sim/cards/iso-dep-card.js';
import { NtagTag } from '../../../hw-sim/cards/ntag-tag.js';
import { WALLET_AID, WALLET_AUTH_DOMAIN, WalletApplet } from '../../../hw-sim/cards/wallet-applet.js';

const h = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase().replace(/(..)(?=.)/g, '$1 ');

const SEED = h('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'); // RFC 8032 test 1
const WALLET_ID = h('00112233445566778899AABBCCDDEEFF');

function walletCard(options: ConstructorParameters<typeof WalletApplet>[0] = {}) {
  const wallet = new WalletApplet({ signer: Signer.fromSeed(SEED), walletId: WALLET_ID, ...options });
  const card = new IsoDepCard([wallet]);
  card.activate();
  const apdu = (text: string): string => hex(card.exchange(h(text))!);
  return { wallet, card, apdu };
}

const SELECT = `00 A4 04 00 07 ${hex(WALLET_AID)} 00`;

describe('emulated wallet: SELECT and FCI', () => {
  it('answers SELECT with the FCI: AID, wallet id, public key, version', () => {
    const { apdu, wallet } = walletCard();
    expect(hex(WALLET_AID)).toBe('F0 50 4F 53 44 57 01');
    expect(apdu(SELECT)).toBe(
      [
        '6F 45',
        `84 07 ${hex(WALLET_AID)}`,
        'A5 3A',
        `DF 20 10 ${hex(WALLET_ID)}`,
        `DF 21 20 ${hex(wallet.publicKey)}`,
        'DF 22 01 01',
        '90 00',
      ].join(' '),
    );
    // RFC 8032 test 1 public key.
    expect(hex(wallet.publicKey)).toBe(hex(h('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')));
  });

  it('applies Le: absent -> 6CXX, too small -> 6CXX, P2 0C -> no FCI', () => {
    const { apdu } = walletCard();
    expect(apdu(`00 A4 04 00 07 ${hex(WALLET_AID)}`)).toBe('6C 47');
    expect(apdu(`00 A4 04 00 07 ${hex(WALLET_AID)} 10`)).toBe('6C 47');
    expect(apdu(`00 A4 04 00 07 ${hex(WALLET_AID)} 47`).endsWith('90 00')).toBe(true);
    expect(apdu(`00 A4 04 0C 07 ${hex(WALLET_AID)}`)).toBe('90 00');
  });

  it('refuses what it does not know with the ISO status words', () => {
    const { apdu } = walletCard();
    expect(apdu('00 A4 04 00 05 F0 00 00 00 01 00')).toBe('6A 82');
    expect(apdu(`00 A4 00 00 07 ${hex(WALLET_AID)} 00`)).toBe('6A 86');
    expect(apdu('00 88 00 00 20' + ' 00'.repeat(32) + ' 00')).toBe('6D 00'); // nothing selected yet
    expect(apdu('C0 A4 04 00 00')).toBe('6E 00');
    expect(apdu('00 A4')).toBe('67 00');
    expect(apdu('00 A4 04 00 07 F0 50')).toBe('67 00');
    expect(apdu('00 C0 00 00 10')).toBe('69 85'); // GET RESPONSE with nothing pending
    apdu(SELECT);
    expect(apdu('00 B0 00 00 10')).toBe('6D 00');
    expect(apdu('90 10 00 00 00')).toBe('6E 00');
  });
});

describe('emulated wallet: INTERNAL AUTHENTICATE', () => {
  const challenge = h('A5'.repeat(32));

  it('signs domain || challenge || wallet id with its Ed25519 key', () => {
    const { apdu, wallet } = walletCard();
    apdu(SELECT);
    const answer = h(apdu(`00 88 00 00 20 ${hex(challenge)} 00`));
    expect(hex(answer.subarray(64))).toBe('90 00');
    const signature = answer.subarray(0, 64);
    const message = Buffer.concat([Buffer.from(WALLET_AUTH_DOMAIN, 'ascii'), challenge, WALLET_ID]);
    expect(verify(signature, message, wallet.publicKey)).toBe(true);
    expect(verify(signature, Buffer.concat([Buffer.from(WALLET_AUTH_DOMAIN), h('A4'.repeat(32)), WALLET_ID]), wallet.publicKey)).toBe(false);
  });

  it('matches the example in docs/wallet-apdu.md byte for byte', () => {
    const { apdu } = walletCard();
    apdu(SELECT);
    expect(apdu(`00 88 00 00 20 ${hex(challenge)} 00`)).toBe(
      hex(h('578d3f50fd717324bedca1ded6ab9504cf5ae0fdb332f5e625bca538e386097a1e4247ccf9d549b80450b4b8431425bc7f52c07ae7add3bb0166b12fac1ee709 9000')),
    );
  });

  it('checks the challenge length and P1 P2, and asks for Le 40 when Le is wrong', () => {
    const { apdu } = walletCard();
    apdu(SELECT);
    expect(apdu(`00 88 00 00 10 ${hex(challenge.subarray(0, 16))} 00`)).toBe('67 00');
    expect(apdu(`00 88 01 00 20 ${hex(challenge)} 00`)).toBe('6A 86');
    expect(apdu(`00 88 00 00 20 ${hex(challenge)} 10`)).toBe('6C 40');
  });

  it('a counterfeit that announces another key produces signatures that do not verify with it', () => {
    const victim = Signer.fromSeed(new Uint8Array(32).fill(7));
    const { apdu } = walletCard({ advertisedPublicKey: victim.publicKey });
    expect(apdu(SELECT)).toContain(hex(victim.publicKey));
    const signature = h(apdu(`00 88 00 00 20 ${hex(challenge)} 00`)).subarray(0, 64);
    const message = Buffer.concat([Buffer.from(WALLET_AUTH_DOMAIN), challenge, WALLET_ID]);
    expect(verify(signature, message, victim.publicKey)).toBe(false);
  });
});

describe('emulated wallet: GET DATA, ECHO, GET RESPONSE', () => {
  it('GET DATA returns the wallet id and key with exact-length Le', () => {
    const { apdu, wallet } = walletCard();
    apdu(SELECT);
    expect(apdu('00 CA DF 20 00')).toBe(`${hex(WALLET_ID)} 90 00`);
    expect(apdu('00 CA DF 20 05')).toBe('6C 10');
    expect(apdu('00 CA DF 21 20')).toBe(`${hex(wallet.publicKey)} 90 00`);
    expect(apdu('00 CA DF 99 00')).toBe('6A 88');
  });

  it('ECHO repeats its data P1 times; more than 256 bytes come through GET RESPONSE with 61XX', () => {
    const { apdu } = walletCard();
    apdu(SELECT);
    expect(apdu('80 E0 00 00 03 01 02 03 00')).toBe('01 02 03 90 00');
    const data = Array.from({ length: 200 }, (_, i) => i & 0xff);
    const first = h(apdu(`80 E0 03 00 C8 ${hex(Uint8Array.from(data))} 00`));
    expect(first.length).toBe(258);
    expect(hex(first.subarray(256))).toBe('61 00'); // 344 left: 256 or more
    const second = h(apdu('00 C0 00 00 00'));
    expect(hex(second.subarray(256))).toBe('61 58'); // 88 left
    const third = h(apdu('00 C0 00 00 58'));
    expect(hex(third.subarray(88))).toBe('90 00');
    const joined = Buffer.concat([first.subarray(0, 256), second.subarray(0, 256), third.subarray(0, 88)]);
    expect(Buffer.compare(joined, Buffer.from([...data, ...data, ...data]))).toBe(0);
    expect(apdu('00 C0 00 00 10')).toBe('69 85');
  });

  it('lets the payments work add commands through the dispatcher', () => {
    const { apdu, wallet } = walletCard();
    wallet.register(0x80, 0x50, (command, ctx) => ({ data: Uint8Array.of(command.p1, ...ctx.walletId.subarray(0, 2)), sw: 0x9000 }));
    apdu(SELECT);
    expect(apdu('80 50 07 00 00')).toBe('07 00 11 90 00');
    expect(apdu('80 52 00 00 00')).toBe('6D 00');
  });
});

describe('emulated cards: identities', () => {
  it('an ISO-DEP phone shows a new random UID (08 ...) at each activation', () => {
    const card = new IsoDepCard([]);
    const a = card.activate();
    const b = card.activate();
    expect(a.uid[0]).toBe(0x08);
    expect(a.uid.length).toBe(4);
    expect(hex(a.uid)).not.toBe(hex(b.uid));
    expect(a.sak).toBe(0x20);
  });

  it('an NTAG answers READ, WRITE and GET_VERSION, and nothing else', () => {
    const tag = new NtagTag();
    expect(tag.activate()).toMatchObject({ sak: 0x00 });
    expect(hex(tag.exchange(h('30 03'))!)).toBe('E1 10 12 00 03 00 FE 00 00 00 00 00 00 00 00 00');
    expect(tag.exchange(h('A2 05 DE AD BE EF'))!.length).toBe(0);
    expect(hex(tag.exchange(h('30 05'))!.subarray(0, 4))).toBe('DE AD BE EF');
    expect(hex(tag.exchange(h('A2 02 00 00 00 00'))!)).toBe('00');
    expect(hex(tag.exchange(h('60'))!)).toBe('00 04 04 02 01 00 0F 03');
    expect(tag.exchange(h('1B 00 00 00 00'))).toBeUndefined();
  });
});
