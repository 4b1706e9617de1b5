import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Who holds a token: a cash register, the counter screen, a technician. */
export type Scope = 'register' | 'counter' | 'technician';
export const SCOPES: readonly Scope[] = ['register', 'counter', 'technician'];

export interface TokenInfo {
  id: string;
  scope: Scope;
  name: string;
  createdAt: number;
  /** Since posd started (kept in memory: a request writes nothing to disk for it). */
  lastUsedAt: number | null;
}

interface StoredToken extends Omit<TokenInfo, 'lastUsedAt'> {
  /** sha256 of the token (hex): the token itself is never stored. */
  sha256: string;
}

const FILE = 'tokens.json';
const TOKEN_RE = /^posd_[A-Za-z0-9_-]{43}$/;

/**
 * The API's bearer tokens, stored hashed in the data directory (api/tokens.json, mode 0600,
 * replaced atomically). A token is 256 random bits, shown once when issued; looking one up hashes
 * what the client sent, so the file alone lets nobody in. Issuing a token for a scope and name
 * that already has one replaces it (a register that pairs again, the counter screen at each boot).
 */
export class TokenStore {
  private readonly byHash = new Map<string, StoredToken>();
  private readonly lastUsed = new Map<string, number>();

  private constructor(private readonly dir: string) {}

  static open(dir: string): TokenStore {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const store = new TokenStore(dir);
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, FILE), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text !== undefined) {
      const stored = JSON.parse(text) as { tokens?: StoredToken[] };
      for (const token of stored.tokens ?? []) store.byHash.set(token.sha256, token);
    }
    return store;
  }

  issue(scope: Scope, name: string, now = Date.now()): { token: string; info: TokenInfo } {
    const token = `posd_${randomBytes(32).toString('base64url')}`;
    for (const [hash, stored] of this.byHash) if (stored.scope === scope && stored.name === name) this.byHash.delete(hash);
    const stored: StoredToken = { id: `tok_${randomBytes(8).toString('hex')}`, scope, name, createdAt: now, sha256: sha256(token) };
    this.byHash.set(stored.sha256, stored);
    this.save();
    return { token, info: this.info(stored) };
  }

  /** The token's holder, or undefined for a token posd does not know (never issued, revoked, malformed). */
  verify(token: string, now = Date.now()): TokenInfo | undefined {
    if (!TOKEN_RE.test(token)) return undefined;
    const stored = this.byHash.get(sha256(token));
    if (!stored) return undefined;
    this.lastUsed.set(stored.id, now);
    return this.info(stored);
  }

  list(): TokenInfo[] {
    return [...this.byHash.values()].map((t) => this.info(t)).sort((a, b) => a.createdAt - b.createdAt);
  }

  has(scope: Scope): boolean {
    for (const t of this.byHash.values()) if (t.scope === scope) return true;
    return false;
  }

  /** Revokes a token by id: it stops working at once. False when there is no such token. */
  revoke(id: string): boolean {
    for (const [hash, stored] of this.byHash) {
      if (stored.id !== id) continue;
      this.byHash.delete(hash);
      this.lastUsed.delete(id);
      this.save();
      return true;
    }
    return false;
  }

  private info(stored: StoredToken): TokenInfo {
    return { id: stored.id, scope: stored.scope, name: stored.name, createdAt: stored.createdAt, lastUsedAt: this.lastUsed.get(stored.id) ?? null };
  }

  private save(): void {
    writeFileDurably(join(this.dir, FILE), `${JSON.stringify({ tokens: [...this.byHash.values()] }, null, 1)}\n`);
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Writes a file whole or not at all: a temporary file, fsync, rename over the old one. Mode 0600. */
export function writeFileDurably(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
