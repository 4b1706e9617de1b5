import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, chmodSync, writeSync, constants } from 'node:fs';
import { join } from 'node:path';
import { KeyError, Signer } from '../../crypto/ed25519.js';

export type KeyStoreWarning = { code: 'key_file_mode_fixed'; file: string; mode: string };

/**
 * The terminal's private keys, one PKCS #8 PEM file per key id under DATA/keys/, mode 0600.
 * Keys are made here and never leave: no API returns the private key, and nothing logs it.
 * Which key is current is decided by the journal (genesis, then each key rotation).
 */
export class KeyStore {
  readonly warnings: KeyStoreWarning[] = [];
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'keys');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /**
   * Makes a new key pair and stores it durably before returning it. All or nothing: when any
   * step fails (a full disk, most likely) neither the key nor its temporary file is left behind,
   * so no key exists that no journal names.
   */
  create(): Signer {
    const signer = Signer.generate();
    const final = this.fileOf(signer.keyId);
    const tmp = `${final}.tmp`;
    rmSync(tmp, { force: true });
    try {
      writeDurably(tmp, Buffer.from(signer.exportPkcs8Pem(), 'utf8'));
      renameSync(tmp, final);
      syncDir(this.dir);
    } catch (err) {
      rmSync(tmp, { force: true });
      rmSync(final, { force: true });
      throw err;
    }
    return signer;
  }

  /** The key ids stored under a data directory, read without creating anything. */
  static storedIn(dataDir: string): string[] {
    const dir = join(dataDir, 'keys');
    return existsSync(dir) ? keyIdsIn(dir) : [];
  }

  has(keyId: string): boolean {
    return existsSync(this.fileOf(keyId));
  }

  load(keyId: string): Signer {
    const file = this.fileOf(keyId);
    if (!existsSync(file)) throw new KeyError(`private key ${keyId} is missing from ${this.dir}`, 'key_missing');
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) {
      chmodSync(file, 0o600);
      this.warnings.push({ code: 'key_file_mode_fixed', file, mode: mode.toString(8) });
    }
    const signer = Signer.fromPkcs8Pem(readFileSync(file, 'utf8'));
    if (signer.keyId !== keyId) throw new KeyError(`key file ${file} holds key ${signer.keyId}, not ${keyId}`);
    return signer;
  }

  /** Deletes a retired private key, so a stolen terminal cannot sign with it. */
  destroy(keyId: string): void {
    rmSync(this.fileOf(keyId), { force: true });
    syncDir(this.dir);
  }

  keyIds(): string[] {
    return keyIdsIn(this.dir);
  }

  private fileOf(keyId: string): string {
    if (!/^[0-9a-f]{16}$/.test(keyId)) throw new KeyError(`bad key id ${JSON.stringify(keyId)}`);
    return join(this.dir, `${keyId}.key`);
  }
}

function keyIdsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^[0-9a-f]{16}\.key$/.test(f))
    .map((f) => f.slice(0, 16));
}

/** Writes every byte (a full disk may take part of a write before refusing the rest), then fsyncs. */
function writeDurably(file: string, bytes: Buffer): void {
  const fd = openSync(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  try {
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
