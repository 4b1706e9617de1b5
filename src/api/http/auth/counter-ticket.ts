import { randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { writeFileDurably } from './token-store.js';

export const COUNTER_TICKET_FILE = 'counter-ticket';

/**
 * How the counter screen on the terminal itself gets its token without a pairing code: a
 * single-use ticket in the data directory (api/counter-ticket, mode 0600), written at start and
 * again after each use. Whoever can read the posd data directory (posd, root, the kiosk launcher
 * given read access) holds the terminal already; a request from loopback alone proves nothing
 * (any local user, any local proxy), so loopback is required as well but is not the proof.
 */
export class CounterTicket {
  private ticket = '';

  constructor(private readonly dir: string) {
    this.renew();
  }

  get file(): string {
    return join(this.dir, COUNTER_TICKET_FILE);
  }

  /** True (and a new ticket is written) when `presented` is the ticket in the file. */
  redeem(presented: string): boolean {
    const a = Buffer.from(presented, 'utf8');
    const b = Buffer.from(this.ticket, 'utf8');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return false;
    this.renew();
    return true;
  }

  private renew(): void {
    this.ticket = randomBytes(32).toString('base64url');
    writeFileDurably(this.file, `${this.ticket}\n`);
  }
}
