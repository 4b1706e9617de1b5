import type { IncomingMessage } from 'node:http';

/**
 * An HTTP answer's body read as JSON, at most a given number of bytes. Every outcome is a value,
 * never a rejection: each client maps them to its own typed errors (what a lost answer means
 * differs between settlement, an authorisation and provisioning).
 */
export type JsonAnswer =
  /** The whole body arrived and is JSON (any status: the caller reads the status). */
  | { kind: 'json'; status: number; body: unknown }
  /** The whole body arrived and is not JSON. */
  | { kind: 'not_json'; status: number }
  /** The body passed `limit` bytes: reading stopped and the request was destroyed. */
  | { kind: 'too_large'; limit: number }
  /** The connection ended before the body did: whatever the acquirer did, its answer is lost. */
  | { kind: 'broke_off'; reason: string; cause?: Error };

/** Reads `res` to its end (or to `maxBytes`, then calls `destroy` to drop the connection). */
export function readJsonAnswer(res: IncomingMessage, maxBytes: number, destroy: () => void): Promise<JsonAnswer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (answer: JsonAnswer): void => {
      if (done) return;
      done = true;
      resolve(answer);
    };
    res.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        finish({ kind: 'too_large', limit: maxBytes });
        destroy();
        return;
      }
      chunks.push(chunk);
    });
    res.on('aborted', () => finish({ kind: 'broke_off', reason: 'the answer broke off' }));
    res.on('error', (err) => finish({ kind: 'broke_off', reason: `the answer broke off: ${err.message}`, cause: err }));
    res.on('end', () => {
      // An answer cut short is lost even when what arrived happens to parse ("12" of "123").
      if (!res.complete) return finish({ kind: 'broke_off', reason: 'the answer broke off' });
      const status = res.statusCode ?? 0;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return finish({ kind: 'not_json', status });
      }
      finish({ kind: 'json', status, body });
    });
  });
}
