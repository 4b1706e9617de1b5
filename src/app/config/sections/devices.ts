import { Type } from '@sinclair/typebox';
import { GENERIC_58_ZH, PROFILES } from '../../../drivers/escpos/profiles.js';
import { EXPECTED, section } from '../schema-kit.js';
import { GpioSection } from './gpio.js';

/** A device URI of the schemes the kind's driver takes (docs/hardware.md). */
function deviceUri(kind: string, schemes: readonly string[], examples: readonly string[]) {
  const names = schemes.map((s) => `${s}:`);
  const either = `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  return Type.String({
    pattern: `^(${schemes.join('|')}):.+`,
    description: `The ${kind}'s device URI (${either}; docs/hardware.md), such as ${examples.map((e) => JSON.stringify(e)).join(' or ')}.`,
    examples,
    [EXPECTED]: `a ${kind} device URI (${either})`,
  });
}

const PrinterSection = section(
  {
    uri: deviceUri('printer', ['serial', 'sim'], ['serial:/dev/serial/by-id/usb-1fc9_2016-if00', 'serial:/dev/posd/printer?baud=19200']),
    profile: Type.Optional(
      Type.Union(
        PROFILES.map((p) => Type.Literal(p.id)),
        {
          default: GENERIC_58_ZH.id,
          description: `The printer model's profile: paper width, code page, cutter, status (${PROFILES.map((p) => `${p.id}: ${p.description}`).join('; ')}).`,
          [EXPECTED]: `a printer profile (${PROFILES.map((p) => p.id).join(', ')})`,
        },
      ),
    ),
  },
  { description: 'The ESC/POS receipt printer (docs/devices/printer.md).' },
);

const ScannerSection = section(
  {
    uri: deviceUri('scanner', ['serial', 'hid', 'sim'], ['hid:0c2e:0b61?mode=pos', 'serial:/dev/posd/scanner']),
    mode: Type.Optional(
      Type.Union([Type.Literal('wedge'), Type.Literal('pos'), Type.Literal('serial')], {
        description: 'How the scanner reports: keyboard wedge, HID POS or a serial line. By default as the URI implies (hid: wedge unless ?mode=pos; serial: serial).',
        [EXPECTED]: 'one of wedge, pos, serial',
      }),
    ),
  },
  { description: 'The barcode / QR scanner (docs/devices/scanner.md).' },
);

const NfcSection = section(
  { uri: deviceUri('NFC reader', ['serial', 'sim'], ['serial:/dev/serial0?baud=115200']) },
  { description: 'The PN532 NFC reader on a UART (docs/devices/nfc.md).' },
);

export const DevicesSection = section(
  {
    printer: Type.Optional(PrinterSection),
    scanner: Type.Optional(ScannerSection),
    nfc: Type.Optional(NfcSection),
    gpio: Type.Optional(GpioSection),
  },
  { description: 'The counter hardware. Each kind is optional: posd drives what is configured, and a device that is absent or broken shows in its health without stopping the terminal.', default: {} },
);
