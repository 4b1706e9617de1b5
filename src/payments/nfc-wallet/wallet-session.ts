import { randomBytes } from 'node:crypto';
import { verify } from '../../crypto/ed25519.js';
import { findTlv } from '../../encoding/ber-tlv.js';
import { CodedError } from '../../errors/coded-error.js';
import type { CardPort } from './card-port.js';

/**
 * The terminal side of the wallet application, written from docs/wallet-apdu.md (not from the
 * emulated wallet's code): SELECT, read the FCI, challenge the wallet, verify its signature
 * with the key it announced.
 */
export const WALLET_AID = Uint8Array.from(Buffer.from('F0504F53445701', 'hex'));
export const WALLET_AUTH_DOMAIN = Buffer.from('posd/wallet-auth/v1\n', 'ascii');

export interface WalletProof {
  walletId: Uint8Array;
  publicKey: Uint8Array;
  challenge: Uint8Array;
  signature: Uint8Array;
  verified: boolean;
}

export class WalletSessionError extends CodedError<'bad_fci'> {}

export async function proveWallet(card: CardPort, challenge: Uint8Array = new Uint8Array(randomBytes(32))): Promise<WalletProof> {
  const fci = await card.select(WALLET_AID);
  const walletId = findTlv(fci, 0x6f, 0xa5, 0xdf20);
  const publicKey = findTlv(fci, 0x6f, 0xa5, 0xdf21);
  if (!walletId || walletId.length !== 16 || !publicKey || publicKey.length !== 32) throw new WalletSessionError('bad_fci', 'the wallet FCI has no wallet id or public key');
  const signature = await card.send({ cla: 0x00, ins: 0x88, p1: 0x00, p2: 0x00, data: challenge, le: 256 });
  const verified = verify(signature, Buffer.concat([WALLET_AUTH_DOMAIN, challenge, walletId]), publicKey);
  return { walletId, publicKey, challenge, signature, verified };
}
