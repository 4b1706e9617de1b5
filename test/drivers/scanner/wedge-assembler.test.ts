import { describe, expect, it } from 'vitest';
import type { KeyEvent } from '../../../src/drivers/scanner/keyboard-usages.js';
import { keyMeaning } from '../../../src/drivers/scanner/keyboard-usages.js';
import { defaultWedgeTiming, WedgeScanAssembler } from '../../../src/drivers/scanner/wedge-assembler.js';
import { collectSink } from './collect-sink.js';

const ENTER = keyMeaning(0x28, 0);
const TAB = keyMeaning(0x2b, 0);
const F1 = keyMeaning(0x3a, 0);
const ch = (c: string): KeyEvent => ({ kind: 'char', char: c });

/** Presses `text` (⏎ = Enter) starting at `start`, one key every `gap` ms; returns the time after the last key. */
function type(a: WedgeScanAssembler, sink: ReturnType<typeof collectSink>, text: string, start: number, gap: number): number {
  let t = start;
  for (const c of text) {
    a.key(c === '⏎' ? ENTER : c === '⇥' ? TAB : ch(c), t, sink);
    t += gap;
  }
  return t - gap;
}

describe('wedge scan assembly (timestamps passed in)', () => {
  it('a fast burst ended by Enter is a scan, timed at the Enter press', () => {
    const a = new WedgeScanAssembler();
    const sink = collectSink();
    const last = type(a, sink, '6901234567892⏎', 1000, 5);
    expect(sink.scans).toEqual([{ text: '6901234567892', symbology: undefined, endedBy: 'suffix', at: last }]);
    expect(a.deadline()).toBeUndefined();
  });

  it('Tab ends a scan as Enter does', () => {
    const a = new WedgeScanAssembler();
    const sink = collectSink();
    type(a, sink, 'ABCDEF⇥', 0, 3);
    expect(sink.scans.map((s) => [s.text, s.endedBy])).toEqual([['ABCDEF', 'suffix']]);
  });

  it('without a suffix the scan ends after the silence, not before', () => {
    const a = new WedgeScanAssembler();
    const sink = collectSink();
    const last = type(a, sink, '123456789', 0, 8);
    expect(a.deadline()).toBe(last + 40);
    a.tick(last + 39.9, sink);
    expect(sink.scans).toEqual([]);
    a.tick(last + 40, sink);
    expect(sink.scans).toEqual([{ text: '123456789', symbology: undefined, endedBy: 'silence', at: last }]);
  });

  it('splits consecutive scans at the suffix and at a silence', () => {
    const a = new WedgeScanAssembler();
    const sink = collectSink();
    let t = type(a, sink, 'FIRST1⏎', 0, 2);
    t = type(a, sink, 'SECOND2⏎', t + 2, 2); // the next scan right after the Enter
    t = type(a, sink, 'THIRD3', t + 2, 2);
    t = type(a, sink, 'FOURTH4', t + 45, 2); // no suffixes: the 45 ms gap splits them
    a.tick(t + 40, sink);
    expect(sink.scans.map((s) => s.text)).toEqual(['FIRST1', 'SECOND2', 'THIRD3', 'FOURTH4']);
    expect(sink.rejects).toEqual([]);
  });

  it('rejects a person typing (slow keys), once for the whole run, and never emits it', () => {
    const a = new WedgeScanAssembler();
    const sink = collectSink();
    const last = type(a, sink, '12345678⏎', 0, 150);
    expect(sink.scans).toEqual([]);
    expect(sink.rejects).toEqual([{ code: 'human_typing', length: 8, at: last }]);
  });

  it('rejects slow typing without Enter once the typing pause has passed', () => {
    const a = new WedgeScanAssembler();
    const sink = collectSink();
    const last = type(a, sink, 'hello world', 0, 120);
    a.tick(last + 499, sink);
    expect(sink.rejects).toEqual([]);
    expect(a.deadline()).toBe(last + 500);
    a.tick(last + 500, sink);
    expect(sink.rejects).toEqual([{ code: 'human_typing', length: 11, at: last }]);
    expect(sink.scans).toEqual([]);
  });

  it('rejects keys inside the silence window that come too slowly for a scanner (mean gap > 20 ms)', () => {
    const a = new WedgeScanAssembler();
    const sink = collectSink();
    type(a, sink, '1234567890⏎', 0, 30);
    expect(sink.rejects.map((r) => r.code)).toEqual(['human_typing']);
    // 20 ms on average is still a scanner.
    type(a, sink, '1234567890⏎', 10_000, 20);
    expect(sink.scans.map((s) => s.text)).toEqual(['1234567890']);
  });

  it('rejects 4 characters or fewer as too short; 5 is a scan', () => {
    const a = new WedgeScanAssembler();
    const sink = collectSink();
    type(a, sink, '1234⏎', 0, 3);
    type(a, sink, '12345⏎', 1000, 3);
    type(a, sink, '⏎', 2000, 3);
    expect(sink.log).toEqual(['reject:too_short:4', 'scan:12345', 'reject:too_short:0']);
  });

  it('the shortest scan is configurable', () => {
    const a = new WedgeScanAssembler({ ...defaultWedgeTiming, minScanLength: 8 });
    const sink = collectSink();
    type(a, sink, '1234567⏎', 0, 3);
    type(a, sink, '12345678⏎', 1000, 3);
    expect(sink.log).toEqual(['reject:too_short:7', 'scan:12345678']);
  });

  it('a stray key press before a scan is reported before the scan, which still goes through', () => {
    const a = new WedgeScanAssembler();
    const sink = collectSink();
    a.key(ch('x'), 0, sink);
    type(a, sink, '9876543210⏎', 200, 4);
    expect(sink.log).toEqual(['reject:too_short:1', 'scan:9876543210']);
  });

  it('a fault inside a burst (lost keys) rejects the whole burst, and the next scan is clean', () => {
    const a = new WedgeScanAssembler();
    const sink = collectSink();
    let t = type(a, sink, '12345', 0, 3);
    a.fault('rollover', 'keys were lost', t + 3, sink);
    t = type(a, sink, '6789⏎', t + 6, 3);
    type(a, sink, 'CLEAN1⏎', t + 100, 3);
    expect(sink.log).toEqual(['reject:rollover:9', 'scan:CLEAN1']);
  });

  it('a key with no character spoils its burst', () => {
    const a = new WedgeScanAssembler();
    const sink = collectSink();
    type(a, sink, 'ABC', 0, 3);
    a.key(F1, 9, sink);
    type(a, sink, 'DEF⏎', 12, 3);
    expect(sink.log).toEqual(['reject:unsupported_key:6']);
  });

  it('rejects input longer than the longest scan', () => {
    const a = new WedgeScanAssembler({ ...defaultWedgeTiming, maxScanLength: 10 });
    const sink = collectSink();
    type(a, sink, '12345678901⏎', 0, 2);
    expect(sink.log).toEqual(['reject:too_long:10']);
  });

  it('reset drops the scan in progress and says how much; nothing of it comes out later', () => {
    const a = new WedgeScanAssembler();
    const sink = collectSink();
    const t = type(a, sink, '1234567', 0, 3);
    expect(a.reset(sink)).toBe(7);
    a.tick(t + 1000, sink);
    expect(sink.scans).toEqual([]);
    expect(a.reset(sink)).toBeUndefined();
  });
});

describe('wedge scan assembly when only tick() witnesses a silence (the device layer)', () => {
  const byTick = (): WedgeScanAssembler => new WedgeScanAssembler(defaultWedgeTiming, { silenceSeenBy: 'tick' });

  it('a long gap between two presses that no tick saw does not split the burst', () => {
    const a = byTick();
    const sink = collectSink();
    const t = type(a, sink, '690', 0, 5);
    type(a, sink, '1234567892⏎', t + 120, 5);
    expect(sink.log).toEqual(['scan:6901234567892']);
  });

  it('leaves such a gap out of the mean key gap: its true length is unknown', () => {
    const a = byTick();
    const sink = collectSink();
    const t = type(a, sink, '735', 0, 3);
    type(a, sink, '13⏎', t + 200, 3); // counted, 200 ms would make the mean 42 ms
    expect(sink.log).toEqual(['scan:73513']);
  });

  it('a tick after the silence still ends a scan, and the next presses start another', () => {
    const a = byTick();
    const sink = collectSink();
    const last = type(a, sink, 'THIRD3', 0, 2);
    a.tick(last + 39, sink);
    expect(sink.scans).toEqual([]);
    a.tick(last + 40, sink);
    type(a, sink, 'FOURTH4', last + 45, 2);
    a.tick(last + 45 + 12 + 40, sink);
    expect(sink.scans.map((s) => [s.text, s.endedBy])).toEqual([
      ['THIRD3', 'silence'],
      ['FOURTH4', 'silence'],
    ]);
  });

  it('a person typing, with the ticks the device layer makes at each silence, is still human_typing', () => {
    const a = byTick();
    const sink = collectSink();
    let t = 0;
    for (const c of '12345678') {
      a.key(ch(c), t, sink);
      a.tick(t + 40, sink);
      t += 150;
    }
    a.key(ENTER, t, sink);
    expect(sink.log).toEqual(['reject:human_typing:8']);
  });
});

