import { randomBytes } from 'node:crypto';
import { verify } from '../../../src/crypto/ed25519.js';
import { ApduClient } from '../../../src/drivers/iso7816/apdu-client.js';
import type { CardChannel } from '../../../src/drivers/iso7816/card-channel.js';
import { findTlv } from '../../../src/drivers/iso7816/tlv.js';

/**
 * A terminal-side wallet check written from docs/wallet-apdu.md (not from the emulated wallet's
 * code): SELECT, read the FCI, challenge the wallet, verify its signature with the announced key.
 */
export const DOC_WALLET_AID = Uint8Array.from(Buffer.from('F0504F53445701', 'hex'));
export const DOC_DOMAIN = Buffer.from('posd/wallet-auth/v1\n', 'ascii');

export interface WalletProof {
  walletId: Uint8Array;
  publicKey: Uint8Array;
  challenge: Uint8Array;
  signature: Uint8Array;
  verified: boolean;
}

export async function proveWallet(channel: CardChannel, challenge = new Uint8Array(randomBytes(32))): Promise<WalletProof> {
  const client = new ApduClient(channel);
  const fci = await client.select(DOC_WALLET_AID);
  const walletId = findTlv(fci, 0x6f, 0xa5, 0xdf20);
  const publicKey = findTlv(fci, 0x6f, 0xa5, 0xdf21);
  if (!walletId || walletId.length !== 16 || !publicKey || publicKey.length !== 32) throw new Error('FCI without wallet id or key');
  const signature = await client.send({ cla: 0x00, ins: 0x88, p1: 0x00, p2: 0x00, data: challenge, le: 256 });
  const verified = verify(signature, Buffer.concat([DOC_DOMAIN, challenge, walletId]), publicKey);
  return { walletId, publicKey, challenge, signature, verified };
}
