import { describe, expect, it } from 'vitest';
import { encodeCommandApdu, getResponse, parseResponseApdu, selectByAid } from '../../../src/drivers/iso7816/apdu.js';
import { ApduClient } from '../../../src/drivers/iso7816/apdu-client.js';
import type { CardChannel } from '../../../src/drivers/iso7816/card-channel.js';
import { ApduError } from '../../../src/drivers/iso7816/errors.js';
import { describeStatusWord, statusWordName } from '../../../src/drivers/iso7816/status-words.js';
import { findTlv, parseTlvs } from '../../../src/drivers/iso7816/tlv.js';
import { h, hex } from './hex.js';

/** A card that answers from a script: each expected command (hex) with its response (hex). */
class ScriptedChannel implements CardChannel {
  readonly sent: string[] = [];
  constructor(private readonly script: [string, string][]) {}
  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    const step = this.script.shift();
    this.sent.push(hex(apdu));
    if (!step) throw new Error(`unexpected APDU ${hex(apdu)}`);
    expect(hex(apdu)).toBe(step[0]);
    return h(step[1]);
  }
}

describe('command APDU encoding (short)', () => {
  it('encodes cases 1 to 4', () => {
    expect(hex(encodeCommandApdu({ cla: 0x00, ins: 0x70, p1: 0x00, p2: 0x00 }))).toBe('00 70 00 00');
    expect(hex(encodeCommandApdu({ cla: 0x00, ins: 0xc0, p1: 0, p2: 0, le: 16 }))).toBe('00 C0 00 00 10');
    expect(hex(encodeCommandApdu({ cla: 0x00, ins: 0xc0, p1: 0, p2: 0, le: 256 }))).toBe('00 C0 00 00 00');
    expect(hex(encodeCommandApdu({ cla: 0x80, ins: 0xe2, p1: 1, p2: 2, data: h('AA BB') }))).toBe('80 E2 01 02 02 AA BB');
    expect(hex(encodeCommandApdu({ cla: 0x00, ins: 0x88, p1: 0, p2: 0, data: h('01 02 03'), le: 64 }))).toBe('00 88 00 00 03 01 02 03 40');
  });

  it('builds SELECT by AID as 00 A4 04 00 Lc AID 00, and GET RESPONSE', () => {
    expect(hex(encodeCommandApdu(selectByAid(h('F0 50 4F 53 44 57 01'))))).toBe('00 A4 04 00 07 F0 50 4F 53 44 57 01 00');
    expect(hex(encodeCommandApdu(selectByAid(h('A0 00 00 03 33 01 01 01'))))).toBe('00 A4 04 00 08 A0 00 00 03 33 01 01 01 00');
    expect(hex(encodeCommandApdu(getResponse(0x2c)))).toBe('00 C0 00 00 2C');
    expect(hex(encodeCommandApdu(getResponse(256, 0x81)))).toBe('01 C0 00 00 00');
  });

  it('rejects what a short APDU cannot carry, with a typed error', () => {
    const bad = (f: () => unknown): void => {
      expect(f).toThrow(ApduError);
      expect(f).toThrow(expect.objectContaining({ code: 'bad_command' }));
    };
    bad(() => encodeCommandApdu({ cla: 0, ins: 0, p1: 0, p2: 0, data: new Uint8Array(256) }));
    bad(() => encodeCommandApdu({ cla: 0, ins: 0, p1: 0, p2: 0, le: 0 }));
    bad(() => encodeCommandApdu({ cla: 0, ins: 0, p1: 0, p2: 0, le: 257 }));
    bad(() => encodeCommandApdu({ cla: 256, ins: 0, p1: 0, p2: 0 }));
    bad(() => selectByAid(new Uint8Array(17)));
  });
});

describe('response APDUs and status words', () => {
  it('splits data and SW1 SW2', () => {
    const r = parseResponseApdu(h('01 02 03 90 00'));
    expect(hex(r.data)).toBe('01 02 03');
    expect(r).toMatchObject({ sw1: 0x90, sw2: 0x00, sw: 0x9000 });
    expect(parseResponseApdu(h('6A 82'))).toMatchObject({ sw: 0x6a82 });
    expect(() => parseResponseApdu(h('90'))).toThrow(expect.objectContaining({ code: 'bad_response' }));
  });

  it('names the status words a terminal meets', () => {
    const names = Object.fromEntries(
      [0x9000, 0x6110, 0x6c20, 0x6a82, 0x6982, 0x6d00, 0x6e00, 0x6700, 0x6a86, 0x6985, 0x6a88, 0x63c2, 0x1234].map((sw) => [
        sw.toString(16),
        statusWordName(sw),
      ]),
    );
    expect(names).toEqual({
      '9000': 'ok',
      '6110': 'bytes_available',
      '6c20': 'wrong_le',
      '6a82': 'file_not_found',
      '6982': 'security_not_satisfied',
      '6d00': 'ins_not_supported',
      '6e00': 'cla_not_supported',
      '6700': 'wrong_length',
      '6a86': 'incorrect_p1p2',
      '6985': 'conditions_not_satisfied',
      '6a88': 'referenced_data_not_found',
      '63c2': 'warning_state_changed',
      '1234': 'unknown',
    });
    expect(describeStatusWord(0x6a82).meaning).toMatch(/not found/);
  });

  it('ApduError carries the status word', () => {
    const err = ApduError.fromStatus(0x6a82, 'SELECT F0');
    expect(err).toMatchObject({ code: 'status', sw: 0x6a82, sw1: 0x6a, sw2: 0x82 });
    expect(err.message).toBe('SELECT F0: SW 6A82 file_not_found (file or application not found)');
  });
});

describe('ApduClient', () => {
  it('fetches the rest of a long answer with GET RESPONSE (61XX) and joins it', async () => {
    const channel = new ScriptedChannel([
      ['80 E0 02 00 02 AA BB 00', 'AA BB 61 04'],
      ['00 C0 00 00 04', 'CC DD EE FF 61 00'],
      ['00 C0 00 00 00', '11 22 90 00'],
    ]);
    const r = await new ApduClient(channel).transceive({ cla: 0x80, ins: 0xe0, p1: 2, p2: 0, data: h('AA BB'), le: 256 });
    expect(hex(r.data)).toBe('AA BB CC DD EE FF 11 22');
    expect(r.sw).toBe(0x9000);
  });

  it('re-sends once with the exact Le after 6CXX', async () => {
    const channel = new ScriptedChannel([
      ['00 CA DF 20 05', '6C 10'],
      ['00 CA DF 20 10', '00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 90 00'],
    ]);
    const data = await new ApduClient(channel).send({ cla: 0x00, ins: 0xca, p1: 0xdf, p2: 0x20, le: 5 });
    expect(data.length).toBe(16);
  });

  it('adds Le to a command that had none when the card asks with 6CXX (6C00 = 256)', async () => {
    const channel = new ScriptedChannel([
      ['00 88 00 00 01 07', '6C 00'],
      ['00 88 00 00 01 07 00', '01 90 00'],
    ]);
    expect(hex(await new ApduClient(channel).send({ cla: 0, ins: 0x88, p1: 0, p2: 0, data: h('07') }))).toBe('01');
  });

  it('handles 6CXX then 61XX in one command', async () => {
    const channel = new ScriptedChannel([
      ['80 E0 00 00 01 AA 10', '6C 00'],
      ['80 E0 00 00 01 AA 00', 'AA 61 01'],
      ['00 C0 00 00 01', 'BB 90 00'],
    ]);
    expect(hex(await new ApduClient(channel).send({ cla: 0x80, ins: 0xe0, p1: 0, p2: 0, data: h('AA'), le: 16 }))).toBe('AA BB');
  });

  it('turns any status word other than 9000 into ApduError, and stops endless GET RESPONSE', async () => {
    const notFound = new ApduClient(new ScriptedChannel([['00 A4 04 00 02 F0 01 00', '6A 82']]));
    await expect(notFound.select(h('F0 01'))).rejects.toMatchObject({ name: 'ApduError', code: 'status', sw: 0x6a82 });

    const endless = new ApduClient(
      { transmit: async () => h('00 61 01') },
      { maxGetResponseRounds: 5 },
    );
    await expect(endless.send({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 1 })).rejects.toMatchObject({ code: 'chaining_limit' });
  });
});

describe('BER-TLV', () => {
  const fci = h('6F 12 84 02 F0 01 A5 0C DF 20 02 AB CD DF 22 01 01 9F 08 00');
  it('parses one- and two-byte tags and walks a path', () => {
    const [top] = parseTlvs(fci);
    expect(top).toMatchObject({ tag: 0x6f, constructed: true });
    expect(hex(findTlv(fci, 0x6f, 0x84)!)).toBe('F0 01');
    expect(hex(findTlv(fci, 0x6f, 0xa5, 0xdf20)!)).toBe('AB CD');
    expect(hex(findTlv(fci, 0x6f, 0xa5, 0xdf22)!)).toBe('01');
    expect(findTlv(fci, 0x6f, 0xa5, 0x9f08)!.length).toBe(0);
    expect(findTlv(fci, 0x6f, 0xa5, 0xdf21)).toBeUndefined();
  });

  it('reads long lengths and rejects truncated data', () => {
    const long = Uint8Array.from([0x53, 0x81, 0x80, ...new Uint8Array(128)]);
    expect(parseTlvs(long)[0]!.value.length).toBe(128);
    expect(() => parseTlvs(h('6F 05 84 02'))).toThrow(expect.objectContaining({ code: 'bad_tlv' }));
    expect(() => parseTlvs(h('DF'))).toThrow(expect.objectContaining({ code: 'bad_tlv' }));
  });
});
