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

/** Why a link is not open: its last failed open attempt, or what took the open link down. */
export interface LinkFailure {
  readonly error: Error;
  /** The errno name when one could be told (ENOENT, EACCES, EBUSY...). */
  readonly errno: string | undefined;
  /** Words a technician can act on (see open-error.ts). */
  readonly reason: string;
  /** `open`: an attempt to open failed; `lost`: an open link went away. */
  readonly during: 'open' | 'lost';
}

export interface LinkEvents {
  state: [state: LinkState, cause: Error | undefined];
  /** Every failed open attempt and every loss, even when the state stays the same. */
  failure: [failure: LinkFailure];
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
  /** Why the link is not open (undefined while open, before start() and after stop()). */
  readonly failure: LinkFailure | undefined;
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
