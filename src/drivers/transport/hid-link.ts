import type { EventEmitter } from 'node:events';
import type { OpenTarget } from './open-error.js';
import { ReconnectingLink, type LinkSession, type SessionCallbacks } from './reconnecting-link.js';
import type { ReopenPolicy } from './reconnect.js';

/** Which HID device to open: by vendor and product id, or by hidraw path. */
export type HidTarget = { vendorId: number; productId: number } | { path: string };

/** The part of node-hid's HIDAsync the link uses; the simulator's devices have the same shape. */
export interface HidHandle extends EventEmitter {
  write(values: number[] | Buffer): Promise<number>;
  close(): Promise<void>;
}

export interface HidBackend {
  open(target: HidTarget): Promise<HidHandle>;
}

/** node-hid, loaded on first use so start-up does not pay for it when no HID device is configured. */
export const nodeHidBackend: HidBackend = {
  async open(target) {
    const hid = await import('node-hid');
    const handle =
      'path' in target
        ? await hid.HIDAsync.open(target.path)
        : await hid.HIDAsync.open(target.vendorId, target.productId);
    return handle as unknown as HidHandle;
  },
};

export interface HidLinkOptions {
  uri: string;
  target: HidTarget;
  backend: HidBackend;
  reopen?: ReopenPolicy;
  /** The target names a hw-sim twin on the SimHidBus. */
  simulated?: boolean;
}

/** A HID device; each 'data' chunk is one input report. */
export class HidLink extends ReconnectingLink {
  protected readonly openTarget: OpenTarget;

  constructor(private readonly options: HidLinkOptions) {
    super(options.uri, options.reopen);
    const { target } = options;
    this.openTarget =
      'path' in target
        ? { transport: 'hid', what: target.path, simulated: options.simulated ?? false }
        : { transport: 'hid', what: `${hex4(target.vendorId)}:${hex4(target.productId)}`, hidById: true, simulated: options.simulated ?? false };
  }

  protected async openSession(callbacks: SessionCallbacks): Promise<LinkSession> {
    const handle = await this.options.backend.open(this.options.target);
    const onData = (report: Buffer): void => callbacks.data(report);
    const onError = (err: Error): void => {
      detach();
      callbacks.lost(err);
    };
    const detach = (): void => {
      handle.off('data', onData);
      handle.off('error', onError);
    };
    handle.on('data', onData);
    handle.on('error', onError);
    return {
      write: async (bytes) => {
        await handle.write(Buffer.from(bytes));
      },
      close: async () => {
        detach();
        await handle.close();
      },
    };
  }
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
