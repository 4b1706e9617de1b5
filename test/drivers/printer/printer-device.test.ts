import { afterEach, describe, expect, it } from 'vitest';
import { EscPosError } from '../../../src/drivers/escpos/errors.js';
import { renderReceiptBytes } from '../../../src/drivers/escpos/layout.js';
import { GENERIC_58_ZH, GENERIC_80, GENERIC_80_ZH, type PrinterProfile } from '../../../src/drivers/escpos/profiles.js';
import type { Receipt } from '../../../src/drivers/escpos/receipt.js';
import { PrinterError } from '../../../src/drivers/printer/errors.js';
import type { PrintJob } from '../../../src/drivers/printer/escpos-printer.js';
import { printerFaults } from '../../../hw-sim/printer/faults.js';
import { renderEscPos } from '../../../hw-sim/printer/render.js';
import { until } from '../../support/wait.js';
import { LATIN_RECEIPT, NOODLE_LINES, NOODLE_RECEIPT } from './fixtures.js';
import { simRig, type SimRig } from './rig.js';

const rigs: SimRig[] = [];
afterEach(async () => {
  while (rigs.length) await rigs.pop()!.close();
});

async function open(profile: PrinterProfile, options: Parameters<typeof simRig>[1] = {}): Promise<SimRig> {
  const rig = await simRig(profile, options);
  rigs.push(rig);
  await until(() => rig.printer.health().detail.condition === 'ok', 'printer ready');
  return rig;
}

/** What a receipt looks like on the twin's paper for this profile (the 58 mm case is pinned in fixtures). */
function linesOf(receipt: Receipt, profile: PrinterProfile): string[] {
  return renderEscPos(renderReceiptBytes(receipt, profile), { dotsPerLine: profile.dotsPerLine, chineseFirmware: profile.chineseCommands, png: false }).text.split('\n');
}

function bannerLine(profile: PrinterProfile): string {
  return ' '.repeat((profile.columns.A - 20) / 2) + '*** REPRINT 重印 ***';
}

function settled(job: PrintJob): () => boolean {
  let done = false;
  job.done.then(
    () => (done = true),
    () => (done = true),
  );
  return () => done;
}

/** No two health events in a row say the same thing. */
function expectOnlyChanges(rig: SimRig): void {
  const keys = rig.health.map((h) => JSON.stringify([h.state, h.reason, h.detail]));
  keys.slice(1).forEach((key, i) => expect(key).not.toBe(keys[i]));
}

describe('EscPosPrinter against the twin (in-process)', () => {
  it('prints a receipt and confirms it through the completion fence', async () => {
    const rig = await open(GENERIC_58_ZH);
    expect(linesOf(NOODLE_RECEIPT, GENERIC_58_ZH)).toEqual(NOODLE_LINES);
    const job = rig.printer.print(NOODLE_RECEIPT);
    await expect(job.done).resolves.toEqual({ id: job.id, kind: 'receipt', attempts: 1, reprinted: false, confirmed: true });
    expect(rig.twin.text().split('\n')).toEqual(NOODLE_LINES);
    expect(rig.twin.errors).toEqual([]);
    expect(rig.jobs.map((j) => j.phase)).toEqual(['queued', 'printing', 'done']);
    expect(rig.states()).toEqual(['connecting', 'ok']);
    expect(rig.printer.health().detail).toMatchObject({ condition: 'ok', link: 'open', paused: false, queued: 0, asb: false });
  });

  it('enables Automatic Status Back where the profile has it', async () => {
    const rig = await open(GENERIC_80_ZH);
    await until(() => rig.printer.health().detail.asb, 'ASB confirmed');
    expect(rig.twin.asbMask).toBe(0x0f);
    const job = rig.printer.print(NOODLE_RECEIPT);
    await job.done;
    expect(rig.twin.text().split('\n')).toEqual(linesOf(NOODLE_RECEIPT, GENERIC_80_ZH));
  });

  for (const profile of [GENERIC_58_ZH, GENERIC_80_ZH]) {
    const how = profile.asb ? 'ASB' : 'polling';
    describe(`${profile.id} (${how})`, () => {
      it('pauses when paper runs out mid-receipt and reprints the whole receipt, marked, once paper is back', async () => {
        const rig = await open(profile);
        const full = linesOf(NOODLE_RECEIPT, profile);
        rig.twin.paperRunsOutAfter(4);
        const job = rig.printer.print(NOODLE_RECEIPT);
        const isSettled = settled(job);
        await until(() => rig.printer.health().detail.condition === 'paper_out', 'paper_out reported');
        await until(() => rig.jobs.some((j) => j.phase === 'interrupted'), 'job interrupted');
        expect(rig.twin.text().split('\n')).toEqual(full.slice(0, 4)); // half a receipt, no cut
        await until(() => rig.printer.health().detail.paused, 'queue paused');
        expect(isSettled()).toBe(false);

        rig.twin.loadPaper();
        await expect(job.done).resolves.toMatchObject({ attempts: 2, reprinted: true, confirmed: true });
        expect(rig.twin.text().split('\n')).toEqual([...full.slice(0, 4), bannerLine(profile), ...full]);
        expect(rig.jobs.filter((j) => j.id === job.id).map((j) => [j.phase, j.attempt, j.reprint])).toEqual([
          ['queued', 0, false],
          ['printing', 1, false],
          ['interrupted', 1, false],
          ['printing', 2, true],
          ['done', 2, true],
        ]);
        expect(rig.jobs.find((j) => j.phase === 'interrupted')?.reason).toBe('paper_out');
        expect(rig.states()).toEqual(['connecting', 'ok', 'paper_out', 'ok']);
        expect(rig.printer.stats()).toMatchObject({ jobsDone: 1, reprints: 1 });
        expectOnlyChanges(rig);
      });

      it('holds a job while the cover is open and prints it once, not as a reprint, when it closes', async () => {
        const rig = await open(profile);
        rig.twin.setFault('cover_open', true);
        await until(() => rig.printer.health().detail.condition === 'cover_open', 'cover_open reported');
        const job = rig.printer.print(NOODLE_RECEIPT);
        await until(() => rig.printer.health().detail.paused, 'queue paused');
        expect(rig.twin.paper).toEqual([]);
        expect(rig.twin.log.filter((e) => e.code === 'data_while_offline')).toEqual([]); // nothing sent to a printer that could not print it
        rig.twin.setFault('cover_open', false);
        await expect(job.done).resolves.toMatchObject({ attempts: 1, reprinted: false });
        expect(rig.twin.text().split('\n')).toEqual(linesOf(NOODLE_RECEIPT, profile));
        expect(rig.states()).toEqual(['connecting', 'ok', 'cover_open', 'ok']);
      });

      it('reprints a receipt the cover cut short', async () => {
        const rig = await open(profile);
        const full = linesOf(NOODLE_RECEIPT, profile);
        rig.twin.behave(printerFaults.faultAfterLines('cover_open', 3));
        const job = rig.printer.print(NOODLE_RECEIPT);
        await until(() => rig.jobs.some((j) => j.phase === 'interrupted'), 'job interrupted');
        const printed = rig.twin.text().split('\n');
        expect(printed).toEqual(full.slice(0, 3));
        expect(rig.printer.health().detail.condition).toBe('cover_open');
        rig.twin.setFault('cover_open', false);
        await expect(job.done).resolves.toMatchObject({ reprinted: true });
        expect(rig.twin.text().split('\n')).toEqual([...printed, bannerLine(profile), ...full]);
      });
    });
  }

  it('reprints a receipt lost to an unplug once the printer is back', async () => {
    // Small writes, paced at 9600 baud: the unplug lands in the middle of the receipt.
    const rig = await open(GENERIC_58_ZH, { wireTiming: true, baud: 9600, printer: { statusTimeoutMs: 3000, writeChunkBytes: 48 } });
    const job = rig.printer.print(NOODLE_RECEIPT);
    await until(() => rig.twin.bytesReceived > 150, 'part of the receipt on the wire');
    await rig.terminal.unplug('printer');
    await until(() => rig.printer.health().detail.condition === 'disconnected', 'disconnected reported');
    await until(() => rig.jobs.some((j) => j.phase === 'interrupted'), 'job interrupted');
    const partial = rig.twin.text().split('\n');
    expect(partial.length).toBeLessThan(NOODLE_LINES.length);
    expect(NOODLE_LINES.slice(0, partial.length)).toEqual(partial);

    await rig.terminal.plug('printer');
    await expect(job.done).resolves.toMatchObject({ attempts: 2, reprinted: true, confirmed: true });
    expect(rig.twin.text().split('\n')).toEqual([...partial, bannerLine(GENERIC_58_ZH), ...NOODLE_LINES]);
    expect(rig.jobs.find((j) => j.phase === 'interrupted')?.reason).toBe('disconnected');
    expect(rig.states()).toEqual(['connecting', 'ok', 'disconnected', 'connecting', 'ok']);
  });

  it('works without the GS r fence on printers that lack it (completion: none)', async () => {
    const profile: PrinterProfile = { ...GENERIC_58_ZH, id: 'no-fence', completion: 'none' };
    const rig = await open(profile);
    await expect(rig.printer.print(NOODLE_RECEIPT).done).resolves.toMatchObject({ attempts: 1, confirmed: false });
    expect(rig.twin.text().split('\n')).toEqual(NOODLE_LINES);
    rig.twin.paperRunsOutAfter(3);
    const job = rig.printer.print(NOODLE_RECEIPT);
    await until(() => rig.printer.health().detail.condition === 'paper_out', 'paper_out');
    rig.twin.loadPaper();
    await expect(job.done).resolves.toMatchObject({ attempts: 2, reprinted: true });
    expect(rig.twin.text().split('\n')).toEqual([...NOODLE_LINES, ...NOODLE_LINES.slice(0, 3), bannerLine(profile), ...NOODLE_LINES]);
    expect(rig.twin.log.filter((e) => e.code === 'unknown_command')).toEqual([]);
  });

  it('times out a status query that gets no answer with a typed error, and keeps the job', async () => {
    const rig = await open(GENERIC_58_ZH, { printer: { statusTimeoutMs: 100 } });
    const deaf = rig.twin.behave(printerFaults.ignoreStatusRequests());
    const query = rig.printer.queryStatus();
    await expect(query).rejects.toBeInstanceOf(PrinterError);
    await expect(query).rejects.toMatchObject({ code: 'status_timeout' });
    await until(() => rig.printer.health().detail.condition === 'unresponsive', 'unresponsive reported');
    const job = rig.printer.print(NOODLE_RECEIPT);
    const isSettled = settled(job);
    await until(() => rig.printer.stats().statusTimeouts >= 3, 'several attempts');
    expect(isSettled()).toBe(false);
    expect(rig.twin.paper).toEqual([]);
    deaf();
    await expect(job.done).resolves.toMatchObject({ attempts: 1, reprinted: false });
    expect(rig.printer.health().detail.condition).toBe('ok');
  });

  it('reads the error cause (DLE EOT 3) when the printer reports an error', async () => {
    const rig = await open(GENERIC_58_ZH);
    rig.twin.setFault('autocutter_error', true);
    await until(() => rig.printer.health().detail.condition === 'error', 'error reported');
    expect(rig.printer.health().detail.conditions).toMatchObject({ error: true, autocutterError: true, offline: true });
    expect(rig.twin.statusRequests.some((r) => r.n === 3)).toBe(true);
    rig.twin.setFault('autocutter_error', false);
    await until(() => rig.printer.health().detail.condition === 'ok', 'recovered');
  });

  it('keeps printing at paper near end, and reports it only on change', async () => {
    const rig = await open(GENERIC_80_ZH);
    rig.twin.setFault('paper_near_end', true);
    await until(() => rig.printer.health().detail.condition === 'near_end', 'near_end reported');
    await rig.printer.print(NOODLE_RECEIPT).done;
    await rig.printer.print(NOODLE_RECEIPT).done;
    rig.twin.setFault('paper_near_end', false);
    await until(() => rig.printer.health().detail.condition === 'ok', 'ok again');
    expect(rig.states()).toEqual(['connecting', 'ok', 'near_end', 'ok']);
    expectOnlyChanges(rig);
  });

  it('pulses the drawer as a job that prints nothing', async () => {
    const rig = await open(GENERIC_58_ZH);
    const job = rig.printer.kickDrawer({ pin: 2, onMs: 100, offMs: 200 });
    await expect(job.done).resolves.toMatchObject({ kind: 'drawer', confirmed: true });
    expect(rig.twin.drawerPulses).toMatchObject([{ pin: 2, onMs: 100, offMs: 200, source: 'ESC p' }]);
    expect(rig.twin.paper).toEqual([]);
    expect(() => rig.printer.kickDrawer({ onMs: 3, offMs: 200 })).toThrow(EscPosError);
  });

  it('refuses what the profile cannot do, queueing nothing', async () => {
    const rig = await open(GENERIC_80);
    expect(() => rig.printer.print({ blocks: [{ kind: 'text', text: '茶 Tea' }] })).toThrow(
      expect.objectContaining({ name: 'EscPosError', code: 'unencodable_text' }),
    );
    expect(rig.printer.health().detail.queued).toBe(0);
    await rig.printer.print(LATIN_RECEIPT).done;
    expect(rig.twin.text()).toContain('Beef noodles');
    const noDrawer = await open({ ...GENERIC_58_ZH, id: 'no-drawer', drawer: false });
    expect(() => noDrawer.printer.kickDrawer()).toThrow(expect.objectContaining({ name: 'PrinterError', code: 'unsupported' }));
  });

  it('prints queued jobs in order after a pause', async () => {
    const rig = await open(GENERIC_58_ZH);
    rig.twin.setFault('offline', true);
    await until(() => rig.printer.health().detail.condition === 'offline', 'offline reported');
    const a = rig.printer.print({ blocks: [{ kind: 'text', text: 'first 一' }] });
    const drawer = rig.printer.kickDrawer();
    const b = rig.printer.print({ blocks: [{ kind: 'text', text: 'second 二' }] });
    rig.twin.setFault('offline', false);
    const results = await Promise.all([a.done, drawer.done, b.done]);
    expect(results.map((r) => r.id)).toEqual([a.id, drawer.id, b.id]);
    expect(rig.twin.text()).toBe('first 一\nsecond 二');
    expect(rig.twin.drawerPulses).toHaveLength(1);
  });

  it('ignores line noise from the printer', async () => {
    const rig = await open(GENERIC_58_ZH);
    rig.twin.sendRaw(Uint8Array.of(0xff, 0x80, 0x31, 0x12, 0x03));
    await until(() => rig.printer.stats().noiseBytes >= 3, 'noise counted');
    await expect(rig.printer.queryStatus()).resolves.toMatchObject({ paperOut: false, coverOpen: false });
    await rig.printer.print(NOODLE_RECEIPT).done;
    expect(rig.twin.text().split('\n')).toEqual(NOODLE_LINES);
  });

  it('hands back unfinished jobs on stop', async () => {
    const rig = await simRig(GENERIC_58_ZH);
    await until(() => rig.printer.health().detail.condition === 'ok', 'ready');
    rig.twin.setFault('paper_out', true);
    await until(() => rig.printer.health().detail.condition === 'paper_out', 'paper_out');
    const job = rig.printer.print(NOODLE_RECEIPT);
    const unfinished = await rig.printer.stop();
    expect(unfinished).toEqual([{ id: job.id, kind: 'receipt', receipt: NOODLE_RECEIPT, pulse: undefined, attempts: 0 }]);
    await expect(job.done).rejects.toMatchObject({ code: 'stopped' });
    expect(rig.printer.health().detail.condition).toBe('closed');
    await expect(rig.printer.queryStatus()).rejects.toMatchObject({ code: 'stopped' });
  });
});
