import { Signer } from '../../src/crypto/ed25519.js';
import { sha256 } from '../../src/crypto/sha256.js';
import { concatBytes } from '../../src/encoding/bytes.js';
import { fromHex, toHex } from '../../src/encoding/hex.js';
import { be64, DOMAINS, fields, text, WalletV2Tag } from './wallet-data.js';

/** What an issuer writes into a wallet certificate besides the wallet's id and key. */
export interface CertificateTerms {
  /** The most one offline payment may be, minor units. */
  perPaymentLimit: number;
  /** The most the wallet may hold offline, minor units. */
  balanceCap: number;
  /** Epoch ms after which the certificate is void. */
  notAfter: number;
}

/** A certificate as the wallet carries it: the signed body and the issuer's signature. */
export interface IssuedCertificate extends CertificateTerms {
  asset: string;
  walletId: Uint8Array;
  publicKey: Uint8Array;
  issuerKeyId: string;
  body: Uint8Array;
  signature: Uint8Array;
}

/** An issuer key as a terminal's payment policy or an acquirer takes it. */
export interface IssuerKeyInfo {
  asset: string;
  keyId: string;
  /** Ed25519 public key, 64 hex digits. */
  publicKey: string;
}

/**
 * The issuer of one asset's wallets (the central bank's operator for CNY, the merchant
 * association for MAT): its own Ed25519 key signs wallet certificates, as docs/wallet-apdu.md
 * "Wallet certificate" describes.
 */
export class WalletIssuer {
  private constructor(
    readonly asset: string,
    private readonly signer: Signer,
  ) {
    if (!/^[A-Z][A-Z0-9]{2,7}$/.test(asset)) throw new Error(`${asset} is not an asset code`);
  }

  static generate(asset: string): WalletIssuer {
    return new WalletIssuer(asset, Signer.generate());
  }

  static fromSeed(asset: string, seed: Uint8Array): WalletIssuer {
    return new WalletIssuer(asset, Signer.fromSeed(seed));
  }

  get publicKey(): Uint8Array {
    return this.signer.publicKey;
  }

  get keyId(): string {
    return this.signer.keyId;
  }

  key(): IssuerKeyInfo {
    return { asset: this.asset, keyId: this.keyId, publicKey: toHex(this.publicKey) };
  }

  certify(walletId: Uint8Array, publicKey: Uint8Array, terms: CertificateTerms): IssuedCertificate {
    const body = fields(
      [WalletV2Tag.formatVersion, Uint8Array.of(1)],
      [WalletV2Tag.walletId, walletId],
      [WalletV2Tag.publicKey, publicKey],
      [WalletV2Tag.asset, text(this.asset)],
      [WalletV2Tag.issuerKeyId, fromHex(this.keyId, 8)],
      [WalletV2Tag.perPaymentLimit, be64(terms.perPaymentLimit)],
      [WalletV2Tag.balanceCap, be64(terms.balanceCap)],
      [WalletV2Tag.certificateNotAfter, be64(terms.notAfter)],
    );
    const signature = this.signer.sign(concatBytes([text(DOMAINS.certificate), body]));
    return { ...terms, asset: this.asset, walletId, publicKey, issuerKeyId: this.keyId, body, signature };
  }
}

/** The two assets' issuers of the simulator: fixed keys, so a simulated terminal and its acquirer agree across runs. */
export interface SimulatorIssuers {
  CNY: WalletIssuer;
  MAT: WalletIssuer;
}

/** The simulator's issuers (keys derived from fixed labels: for simulation only, never for money). */
export function simulatorIssuers(): SimulatorIssuers {
  const seed = (asset: string): Uint8Array => sha256(`posd hw-sim wallet issuer ${asset} (simulation only)`);
  return { CNY: WalletIssuer.fromSeed('CNY', seed('CNY')), MAT: WalletIssuer.fromSeed('MAT', seed('MAT')) };
}
