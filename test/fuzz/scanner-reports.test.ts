import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commonHidPosLayout, decodeHidPosReport } from '../../src/drivers/scanner/hid-pos-report.js';
import { KEYBOARD_REPORT_LENGTH, KeyboardReportDecoder } from '../../src/drivers/scanner/keyboard-report.js';
import type { KeyEvent } from '../../src/drivers/scanner/keyboard-usages.js';
import type { AssembledScan, ScanSink } from '../../src/drivers/scanner/scan-sink.js';
import { decodeScanBytes } from '../../src/drivers/scanner/scan-text.js';
import { SerialLineAssembler } from '../../src/drivers/scanner/serial-lines.js';
import { fuzz } from './settings.js';

type Out = { scan: string } | { reject: string; length: number };

function assemble(bytes: Uint8Array, sizes: number[], maxLineBytes: number): { out: Out[]; pending: number | undefined } {
  const out: Out[] = [];
  const sink: ScanSink = {
    scan: (s: AssembledScan) => out.push({ scan: s.text }),
    reject: (code, _message, length) => out.push({ reject: code, length }),
  };
  const assembler = new SerialLineAssembler({ silenceMs: 50, maxLineBytes });
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]!);
    assembler.push(bytes.subarray(at, at + size), 1000, sink);
    at += size;
  }
  return { out, pending: assembler.reset() };
}

/** What the assembler must say, written from its documentation: lines end at CR, LF or CR LF; empty lines are nothing. */
function model(bytes: Uint8Array, maxLineBytes: number): { out: Out[]; pending: number | undefined } {
  const lines = Buffer.from(bytes).toString('latin1').split(/\r\n|\r|\n/);
  const last = lines.pop()!;
  const out: Out[] = [];
  for (const line of lines) {
    if (line.length === 0) continue;
    if (line.length > maxLineBytes) {
      out.push({ reject: 'too_long', length: line.length });
      continue;
    }
    const decoded = decodeScanBytes(Uint8Array.from(Buffer.from(line, 'latin1')));
    out.push(decoded.ok ? { scan: decoded.text } : { reject: decoded.code, length: line.length });
  }
  return { out, pending: last.length > 0 ? last.length : undefined };
}

/** Bytes a serial scanner line carries, and the noise that can get onto it. */
const lineByte = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 2, arbitrary: fc.constantFrom(0x0d, 0x0a) },
  { weight: 1, arbitrary: fc.nat(255) },
);

describe('fuzz: scanner input', () => {
  it('serial lines: arbitrary bytes in any chunking give exactly the lines the documented rules give', () => {
    fc.assert(
      fc.property(
        fc.array(lineByte, { maxLength: 400 }).map((b) => Uint8Array.from(b)),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 64 }),
        (bytes, sizes, maxLineBytes) => {
          expect(assemble(bytes, sizes, maxLineBytes)).toEqual(model(bytes, maxLineBytes));
        },
      ),
      fuzz(400),
    );
  });

  it('keyboard reports: any report never throws; a press is a usage new in a good report', () => {
    const report = fc.oneof(
      { weight: 5, arbitrary: fc.uint8Array({ minLength: KEYBOARD_REPORT_LENGTH, maxLength: KEYBOARD_REPORT_LENGTH }) },
      { weight: 5, arbitrary: fc.tuple(fc.nat(255), fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 4, max: 0x30 })), { minLength: 6, maxLength: 6 })).map(([mods, keys]) => Uint8Array.from([mods, 0, ...keys])) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 70 }) },
    );
    fc.assert(
      fc.property(fc.array(report, { maxLength: 30 }), (reports) => {
        const decoder = new KeyboardReportDecoder();
        let held = new Set<number>();
        for (const r of reports) {
          const pressed: KeyEvent[] = [];
          const fault = decoder.decode(r, (k) => pressed.push(k));
          const keys = [...r.subarray(2)];
          const expectFault = r.length !== KEYBOARD_REPORT_LENGTH || keys.some((u) => u >= 1 && u <= 3);
          expect(fault !== undefined).toBe(expectFault);
          if (fault) {
            expect(pressed).toEqual([]);
            continue;
          }
          const fresh = new Set(keys.filter((u) => u !== 0 && u < 0xe0 && !held.has(u)));
          expect(pressed).toHaveLength(fresh.size);
          held = new Set(keys);
        }
      }),
      fuzz(400),
    );
  });

  it('HID POS reports: any report never throws; data stays inside the data field; faults say why', () => {
    const report = fc.oneof(
      { weight: 6, arbitrary: fc.uint8Array({ minLength: 64, maxLength: 64 }).map((r) => Uint8Array.from([0x02, ...r.subarray(1)])) },
      { weight: 2, arbitrary: fc.uint8Array({ minLength: 64, maxLength: 64 }) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }) },
    );
    fc.assert(
      fc.property(report, fc.boolean(), (r, noByteCount) => {
        const layout = noByteCount ? { ...commonHidPosLayout, byteCountOffset: undefined } : commonHidPosLayout;
        const result = decodeHidPosReport(r, layout);
        const fault = r.length !== 64 ? 'bad_report_length' : r[0] !== 0x02 ? 'unknown_report' : !noByteCount && r[1]! > 56 ? 'bad_byte_count' : undefined;
        if (fault) {
          expect(result).toMatchObject({ ok: false, code: fault });
          return;
        }
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.data.length).toBeLessThanOrEqual(56);
        expect(result.data.byteOffset - r.byteOffset).toBe(5);
        if (!noByteCount) expect(result.data.length).toBe(r[1]);
        expect(result.continued).toBe((r[63]! & 1) === 1);
        if (result.symbology !== undefined) expect(result.symbology).toMatch(/^\][A-Za-z][0-9A-Za-z]$/);
      }),
      fuzz(500),
    );
  });
});
