import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { GENERIC_58_ZH } from '../../../src/drivers/escpos/profiles.js';
import { PrinterError } from '../../../src/drivers/printer/errors.js';
import { EscPosPrinter } from '../../../src/drivers/printer/escpos-printer.js';
import type { ByteLink, LinkEvents, LinkFailure, LinkState } from '../../../src/drivers/transport/link.js';
import { until } from '../../support/wait.js';
import { NOODLE_RECEIPT } from './fixtures.js';
import { FAST } from './rig.js';

/**
 * A link whose writes can hang (flow control held by an offline printer, a port wedged in the
 * kernel). It answers DLE EOT with "all well" and GS r 1 with "paper present" when told to.
 */
class StallingLink extends EventEmitter<LinkEvents> implements ByteLink {
  readonly uri = 'test:stalling';
  state: LinkState = 'closed';
  readonly failure: LinkFailure | undefined = undefined;
  answer = false;
  answerFence = true;
  stallWhen: (bytes: Uint8Array) => boolean = () => false;
  readonly writes: Uint8Array[] = [];

  start(): void {
    this.state = 'open';
    this.emit('state', 'open', undefined);
  }
  async stop(): Promise<void> {
    this.state = 'closed';
    this.emit('state', 'closed', undefined);
  }
  waitOpen(): Promise<void> {
    return Promise.resolve();
  }
  write(bytes: Uint8Array): Promise<void> {
    this.writes.push(bytes);
    if (this.stallWhen(bytes)) return new Promise<void>(() => undefined);
    if (this.answer) {
      const replies: number[] = [];
      for (let i = 0; i + 2 < bytes.length + 1; i++) {
        if (bytes[i] === 0x10 && bytes[i + 1] === 0x04) replies.push(0x12);
        if (bytes[i] === 0x1d && bytes[i + 1] === 0x72 && this.answerFence) replies.push(0x00);
      }
      if (replies.length > 0) setImmediate(() => this.emit('data', Buffer.from(replies)));
    }
    return Promise.resolve();
  }
}

const printers: EscPosPrinter[] = [];
afterEach(async () => {
  while (printers.length) await printers.pop()!.stop();
});

function printerOn(link: StallingLink, statusTimeoutMs = 80, jobTimeoutMs = 150): EscPosPrinter {
  const printer = new EscPosPrinter(link, { profile: GENERIC_58_ZH, ...FAST, statusTimeoutMs, jobTimeoutMs });
  printers.push(printer);
  printer.start();
  return printer;
}

describe('status reads and writes that never come back', () => {
  it('times out a query nobody answers with PrinterError status_timeout', async () => {
    const link = new StallingLink();
    const printer = printerOn(link);
    const error = await printer.queryStatus().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrinterError);
    expect(error).toMatchObject({ code: 'status_timeout' });
    await until(() => printer.health().detail.condition === 'unresponsive', 'unresponsive');
  });

  it('times out a query whose write hangs, instead of hanging with it', async () => {
    const link = new StallingLink();
    link.answer = true;
    link.stallWhen = (bytes) => bytes[0] === 0x10;
    const printer = printerOn(link);
    await expect(printer.queryStatus()).rejects.toMatchObject({ code: 'status_timeout' });
  });

  it('gives up on a job write that hangs, and prints the job again once the line moves', async () => {
    const link = new StallingLink();
    link.answer = true;
    const printer = printerOn(link);
    await until(() => printer.health().detail.condition === 'ok', 'ready');
    let stalls = 1;
    link.stallWhen = (bytes) => bytes[0] === 0x1b && bytes[1] === 0x40 && stalls-- > 0; // the first receipt write hangs
    const job = printer.print(NOODLE_RECEIPT);
    await expect(job.done).resolves.toMatchObject({ attempts: 2, reprinted: true, confirmed: true });
    expect(link.writes.filter((w) => w[0] === 0x1b && w[1] === 0x40)).toHaveLength(2);
  });

  it('stops reprinting for a printer that is healthy but never answers the completion fence', async () => {
    const link = new StallingLink();
    link.answer = true;
    link.answerFence = false;
    const printer = printerOn(link, 500, 100);
    await until(() => printer.health().detail.condition === 'ok', 'ready');
    const job = printer.print(NOODLE_RECEIPT);
    await expect(job.done).resolves.toMatchObject({ attempts: 2, reprinted: true, confirmed: false });
  });
});
