import { CodedError } from '../../errors/coded-error.js';
import type { EventEmitter } from 'node:events';

/**
 * Connection state of a device link, as seen from the host.
 * - connecting: the link is trying to open the device (first time or after an unplug)
 * - open: bytes flow
 * - disconnected: the device went away; the link keeps trying to reopen it
 * - closed: stop() was called; the link will not reopen
 */
export type LinkState = 'connecting' | 'open' | 'disconnected' | 'closed';

export type LinkErrorCode = 'not_open' | 'write_failed' | 'open_timeout' | 'bad_uri';

export class LinkError extends CodedError<LinkErrorCode> {
  override readonly name = 'LinkError';
}

export interface LinkEvents {
  state: [state: LinkState, cause: Error | undefined];
  /** A chunk of bytes from the device (serial) or one input report (HID). */
  data: [chunk: Buffer];
}

/**
 * The host side of a byte stream to one device. Drivers talk to devices only through this,
 * so the same driver runs over a real port, an in-process twin or a pseudo-terminal.
 */
export interface ByteLink extends EventEmitter<LinkEvents> {
  readonly uri: string;
  readonly state: LinkState;
  /** Begin opening the device; reconnects by itself after an unplug until stop(). */
  start(): void;
  stop(): Promise<void>;
  /** Resolves once the link is open; rejects with LinkError('open_timeout') after timeoutMs. */
  waitOpen(timeoutMs: number): Promise<void>;
  /** Resolves once the bytes are handed to the OS (or the twin). Rejects with LinkError when not open. */
  write(bytes: Uint8Array): Promise<void>;
}

export function waitForState(link: ByteLink, wanted: LinkState, timeoutMs: number): Promise<void> {
  if (link.state === wanted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onState = (state: LinkState): void => {
      if (state !== wanted) return;
      clearTimeout(timer);
      link.off('state', onState);
      resolve();
    };
    const timer = setTimeout(() => {
      link.off('state', onState);
      reject(new LinkError('open_timeout', `${link.uri}: not ${wanted} after ${timeoutMs} ms (state ${link.state})`));
    }, timeoutMs);
    link.on('state', onState);
  });
}
