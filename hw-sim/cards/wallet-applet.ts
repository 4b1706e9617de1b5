import { randomBytes } from 'node:crypto';
import { Signer } from '../../src/crypto/ed25519.js';
import { concatBytes } from '../../src/encoding/bytes.js';
import { CardSw, tlv, type CardCommand, type CardResponse } from './card-apdu.js';
import type { CardApplet } from './iso-dep-card.js';

/** docs/wallet-apdu.md is the specification; these constants restate it for the emulated wallet. */
export const WALLET_AID = Uint8Array.of(0xf0, 0x50, 0x4f, 0x53, 0x44, 0x57, 0x01);
export const WALLET_PROTOCOL_VERSION = 0x01;
export const WALLET_ID_BYTES = 16;
export const WALLET_CHALLENGE_BYTES = 32;
/** The signature input of INTERNAL AUTHENTICATE starts with these ASCII bytes (with the newline). */
export const WALLET_AUTH_DOMAIN = 'posd/wallet-auth/v1\n';

export const WalletTag = {
  fci: 0x6f,
  dfName: 0x84,
  proprietary: 0xa5,
  walletId: 0xdf20,
  publicKey: 0xdf21,
  version: 0xdf22,
} as const;

export const WalletCommand = {
  internalAuthenticate: { cla: 0x00, ins: 0x88 },
  getData: { cla: 0x00, ins: 0xca },
  echo: { cla: 0x80, ins: 0xe0 },
} as const;

export const ECHO_MAX_RESPONSE = 4096;

export interface WalletContext {
  readonly walletId: Uint8Array;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export type WalletCommandHandler = (command: CardCommand, wallet: WalletContext) => CardResponse;

export interface WalletAppletOptions {
  signer?: Signer;
  walletId?: Uint8Array;
  /**
   * The public key the FCI announces. By default the signer's; a different one makes a
   * counterfeit wallet that claims another wallet's key (its signatures will not verify).
   */
  advertisedPublicKey?: Uint8Array;
}

/**
 * The hardware-wallet application. Commands are found by (CLA class, INS) in a table, so the
 * payments work can add its own with `register` without touching the existing ones.
 */
export class WalletApplet implements CardApplet {
  readonly aid = WALLET_AID;
  readonly walletId: Uint8Array;
  readonly publicKey: Uint8Array;
  private readonly signer: Signer;
  private readonly advertisedKey: Uint8Array;
  private readonly handlers = new Map<number, WalletCommandHandler>();
  private readonly context: WalletContext;
  /** Commands seen while selected, for tests. */
  readonly seen: CardCommand[] = [];

  constructor(options: WalletAppletOptions = {}) {
    this.signer = options.signer ?? Signer.generate();
    this.walletId = options.walletId ?? new Uint8Array(randomBytes(WALLET_ID_BYTES));
    if (this.walletId.length !== WALLET_ID_BYTES) throw new Error(`a wallet id is ${WALLET_ID_BYTES} bytes`);
    this.publicKey = this.signer.publicKey;
    this.advertisedKey = options.advertisedPublicKey ?? this.signer.publicKey;
    const signer = this.signer;
    this.context = { walletId: this.walletId, publicKey: this.publicKey, sign: (m) => signer.sign(m) };
    this.register(WalletCommand.internalAuthenticate.cla, WalletCommand.internalAuthenticate.ins, internalAuthenticate);
    this.register(WalletCommand.getData.cla, WalletCommand.getData.ins, getData);
    this.register(WalletCommand.echo.cla, WalletCommand.echo.ins, echo);
  }

  /** Adds or replaces the handler of (CLA class, INS); the class is CLA without channel bits. */
  register(cla: number, ins: number, handler: WalletCommandHandler): void {
    this.handlers.set(key(cla, ins), handler);
  }

  select(): Uint8Array {
    return tlv(
      WalletTag.fci,
      concatBytes([
        tlv(WalletTag.dfName, WALLET_AID),
        tlv(
          WalletTag.proprietary,
          concatBytes([
            tlv(WalletTag.walletId, this.walletId),
            tlv(WalletTag.publicKey, this.advertisedKey),
            tlv(WalletTag.version, Uint8Array.of(WALLET_PROTOCOL_VERSION)),
          ]),
        ),
      ]),
    );
  }

  process(command: CardCommand): CardResponse {
    this.seen.push(command);
    const handler = this.handlers.get(key(command.cla, command.ins));
    if (handler) return handler(command, this.context);
    const classKnown = [...this.handlers.keys()].some((k) => k >> 8 === (command.cla & 0xfc));
    return { sw: classKnown ? CardSw.insNotSupported : CardSw.claNotSupported };
  }

  deselect(): void {}
}

function key(cla: number, ins: number): number {
  return ((cla & 0xfc) << 8) | ins;
}

/** The bytes the wallet signs for INTERNAL AUTHENTICATE. */
export function walletAuthMessage(challenge: Uint8Array, walletId: Uint8Array): Uint8Array {
  return concatBytes([new TextEncoder().encode(WALLET_AUTH_DOMAIN), challenge, walletId]);
}

const internalAuthenticate: WalletCommandHandler = (command, wallet) => {
  if (command.p1 !== 0x00 || command.p2 !== 0x00) return { sw: CardSw.incorrectP1P2 };
  if (command.data.length !== WALLET_CHALLENGE_BYTES) return { sw: CardSw.wrongLength };
  return { data: wallet.sign(walletAuthMessage(command.data, wallet.walletId)), sw: CardSw.ok };
};

const getData: WalletCommandHandler = (command, wallet) => {
  if (command.data.length !== 0) return { sw: CardSw.wrongLength };
  const tag = (command.p1 << 8) | command.p2;
  if (tag === WalletTag.walletId) return { data: wallet.walletId, sw: CardSw.ok };
  if (tag === WalletTag.publicKey) return { data: wallet.publicKey, sw: CardSw.ok };
  return { sw: CardSw.referencedDataNotFound };
};

const echo: WalletCommandHandler = (command) => {
  if (command.p2 !== 0x00) return { sw: CardSw.incorrectP1P2 };
  const times = Math.max(1, command.p1);
  if (command.data.length * times > ECHO_MAX_RESPONSE) return { sw: CardSw.wrongLength };
  const out = new Uint8Array(command.data.length * times);
  for (let i = 0; i < times; i++) out.set(command.data, i * command.data.length);
  return { data: out, sw: CardSw.ok };
};
