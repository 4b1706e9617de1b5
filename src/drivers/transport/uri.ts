import { LinkError } from './link.js';

/**
 * Devices are named by URIs in config:
 *   serial:/dev/serial/by-id/usb-...?baud=115200   a serial port or pseudo-terminal
 *   hid:0c2e:0b61                                  a HID device by vendor:product (hex)
 *   hid:/dev/hidraw3                               a HID device by hidraw path
 *   sim:printer                                    an in-process hw-sim twin (serial or HID)
 * Options after '?' are `key=value` pairs joined by '&'.
 */
export type DeviceUri =
  | { scheme: 'serial'; uri: string; path: string; baudRate: number; options: Record<string, string> }
  | { scheme: 'hid'; uri: string; target: { vendorId: number; productId: number } | { path: string }; options: Record<string, string> }
  | { scheme: 'sim'; uri: string; name: string; baudRate: number; options: Record<string, string> };

export function parseDeviceUri(uri: string, defaultBaudRate = 9600): DeviceUri {
  const colon = uri.indexOf(':');
  if (colon <= 0) throw bad(uri, 'expected scheme:address');
  const scheme = uri.slice(0, colon);
  const rest = uri.slice(colon + 1);
  const q = rest.indexOf('?');
  const address = q < 0 ? rest : rest.slice(0, q);
  const options = parseOptions(uri, q < 0 ? '' : rest.slice(q + 1));
  if (address.length === 0) throw bad(uri, 'empty address');
  const baudRate = options.baud === undefined ? defaultBaudRate : parseBaud(uri, options.baud);
  switch (scheme) {
    case 'serial':
      return { scheme, uri, path: address, baudRate, options };
    case 'sim':
      if (!/^[a-z0-9][a-z0-9._-]*$/i.test(address)) throw bad(uri, 'sim device names are letters, digits, . _ -');
      return { scheme, uri, name: address, baudRate, options };
    case 'hid': {
      const ids = /^([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(address);
      if (ids) {
        return { scheme, uri, target: { vendorId: parseInt(ids[1]!, 16), productId: parseInt(ids[2]!, 16) }, options };
      }
      if (address.startsWith('/')) return { scheme, uri, target: { path: address }, options };
      throw bad(uri, 'hid: takes vvvv:pppp (hex ids) or a /dev/hidraw path');
    }
    default:
      throw bad(uri, `unknown scheme ${JSON.stringify(scheme)} (serial, hid, sim)`);
  }
}

function parseOptions(uri: string, query: string): Record<string, string> {
  const options: Record<string, string> = {};
  if (query === '') return options;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw bad(uri, `option ${JSON.stringify(pair)} is not key=value`);
    options[decodeURIComponent(pair.slice(0, eq))] = decodeURIComponent(pair.slice(eq + 1));
  }
  return options;
}

function parseBaud(uri: string, text: string): number {
  const baud = Number(text);
  if (!Number.isInteger(baud) || baud < 50 || baud > 4_000_000) throw bad(uri, `baud ${JSON.stringify(text)} is not a rate`);
  return baud;
}

function bad(uri: string, why: string): LinkError {
  return new LinkError('bad_uri', `device URI ${JSON.stringify(uri)}: ${why}`);
}

/** The baud rate a serial or sim URI runs at (its `baud` or the default); undefined for HID and for what does not parse. */
export function baudRateOf(uri: string, defaultBaudRate: number): number | undefined {
  try {
    const parsed = parseDeviceUri(uri, defaultBaudRate);
    return parsed.scheme === 'hid' ? undefined : parsed.baudRate;
  } catch {
    return undefined;
  }
}
