import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { waitForState, type ByteLink, type LinkEvents, type LinkFailure, type LinkState } from '../../../src/drivers/transport/link.js';

/**
 * A link fed by the test, whose chunks reach the host as a real device's do: through the event
 * loop's poll phase (a MessagePort, as node-hid's reports and serialport's reads come in). A
 * chunk sent while the loop is stalled waits until it runs again, behind any expired timers.
 */
export class PortLink extends EventEmitter<LinkEvents> implements ByteLink {
  readonly uri = 'test:port-link';
  readonly failure: LinkFailure | undefined = undefined;
  private currentState: LinkState = 'closed';
  private readonly device: MessagePort;
  private readonly host: MessagePort;

  constructor() {
    super();
    const { port1, port2 } = new MessageChannel();
    this.device = port1;
    this.host = port2;
    this.host.on('message', (chunk: Uint8Array) => {
      if (this.currentState === 'open') this.emit('data', Buffer.from(chunk));
    });
  }

  get state(): LinkState {
    return this.currentState;
  }

  /** The device sends one chunk (a HID report, or serial bytes). */
  send(chunk: Uint8Array): void {
    this.device.postMessage(Uint8Array.from(chunk));
  }

  start(): void {
    this.setState('open');
  }

  async stop(): Promise<void> {
    this.setState('closed');
    this.host.close();
  }

  waitOpen(timeoutMs: number): Promise<void> {
    return waitForState(this, 'open', timeoutMs);
  }

  async write(): Promise<void> {}

  private setState(state: LinkState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state, undefined);
  }
}

/** Keeps the event loop busy: nothing else in this process runs meanwhile. */
export function stallEventLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}
