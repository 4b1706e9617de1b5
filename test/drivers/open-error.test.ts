import { describe, expect, it } from 'vitest';
import { ACCESS_GROUPS, errnoOf, explainLoss, explainOpenError, type OpenTarget } from '../../src/drivers/transport/open-error.js';

const serial: OpenTarget = { transport: 'serial', what: '/dev/ttyUSB0' };
const hidPath: OpenTarget = { transport: 'hid', what: '/dev/hidraw3' };
const hidIds: OpenTarget = { transport: 'hid', what: '0c2e:0b61', hidById: true };
const gpio: OpenTarget = { transport: 'gpio', what: 'gpio:raspi' };

/** serialport's native binding: strerror text only, no code. */
function native(text: string, path = '/dev/ttyUSB0'): Error {
  return new Error(`Error: ${text}, cannot open ${path}`);
}

function coded(code: string, message = `${code}: something`): Error {
  return Object.assign(new Error(message), { code });
}

describe('errnoOf', () => {
  it.each([
    ['No such file or directory', 'ENOENT'],
    ['Permission denied', 'EACCES'],
    ['Operation not permitted', 'EPERM'],
    ['Device or resource busy', 'EBUSY'],
    ['Inappropriate ioctl for device', 'ENOTTY'],
    ['No such device or address', 'ENXIO'],
    ['No such device', 'ENODEV'],
    ['Input/output error', 'EIO'],
  ])('reads %s from a native serialport message as %s', (text, errno) => {
    expect(errnoOf(native(text))).toBe(errno);
  });

  it('reads the lock failure of a port another program holds as EAGAIN', () => {
    expect(errnoOf(new Error('Error Resource temporarily unavailable Cannot lock port'))).toBe('EAGAIN');
  });

  it('prefers a code, follows causes, and knows nothing of non-errno codes or non-errors', () => {
    expect(errnoOf(coded('EACCES', 'whatever the text says: No such file or directory'))).toBe('EACCES');
    expect(errnoOf(new Error('open failed', { cause: coded('EBUSY') }))).toBe('EBUSY');
    expect(errnoOf(coded('ERR_DLOPEN_FAILED', 'libusb-1.0.so.0: cannot open shared object file'))).toBeUndefined();
    expect(errnoOf(new Error('something else'))).toBeUndefined();
    expect(errnoOf('ENOENT')).toBeUndefined();
  });
});

describe('explainOpenError', () => {
  it('a missing serial path: names the path and suggests by-id links and the cable', () => {
    const reason = explainOpenError(native('No such file or directory'), serial);
    expect(reason).toContain('/dev/ttyUSB0');
    expect(reason).toContain('/dev/serial/by-id/');
    expect(reason).toContain('cable');
  });

  it.each([
    [serial, 'dialout'],
    [hidPath, 'plugdev'],
    [gpio, 'gpio'],
  ] as const)('permission denied on %j names the %s group', (target, group) => {
    for (const err of [native('Permission denied', target.what), coded('EPERM')]) {
      const reason = explainOpenError(err, target);
      expect(reason).toContain(`${group} group`);
      expect(reason).toContain(target.what);
    }
    expect(ACCESS_GROUPS[target.transport]).toBe(group);
  });

  it('a busy device: says another program has it open', () => {
    for (const err of [native('Device or resource busy'), new Error('Error Resource temporarily unavailable Cannot lock port')]) {
      expect(explainOpenError(err, serial)).toMatch(/busy.*another program has it open/);
    }
  });

  it('a HID device not found by vendor:product says so, naming the ids', () => {
    const reason = explainOpenError(new Error('cannot open device with vendor id 0xc2e and product id 0xb61'), hidIds);
    expect(reason).toContain('no HID device with vendor:product 0c2e:0b61');
    expect(reason).toContain('lsusb');
    expect(explainOpenError(coded('ENOENT'), hidIds)).toContain('no HID device with vendor:product 0c2e:0b61');
  });

  it('a HID device found but not readable: the errno wins over "cannot open"', () => {
    const err = new Error("cannot open device with vendor id 0xc2e and product id 0xb61: Failed to open a device with path '/dev/hidraw0': Permission denied");
    expect(explainOpenError(err, hidIds)).toContain('plugdev group');
  });

  it('a path that is no serial port, an I/O error, a library that will not load', () => {
    expect(explainOpenError(native('Inappropriate ioctl for device'), serial)).toContain('not a serial port');
    expect(explainOpenError(native('Input/output error'), serial)).toContain('check the cable');
    expect(explainOpenError(coded('ERR_DLOPEN_FAILED', 'libusb-1.0.so.0: cannot open shared object file'), hidIds)).toContain('libusb');
  });

  it('anything else keeps the original message, without serialport\'s "Error: " prefix', () => {
    expect(explainOpenError(new Error('Error: Invalid parity setting 9'), serial)).toBe('cannot open /dev/ttyUSB0: Invalid parity setting 9');
  });

  it('simulated devices get simulator words, not hardware advice', () => {
    const sim: OpenTarget = { transport: 'serial', what: 'printer', simulated: true };
    expect(explainOpenError(coded('ENOENT'), sim)).toBe('no simulated device printer is plugged in (hw-sim)');
    expect(explainOpenError(coded('EBUSY'), sim)).toContain('already open');
  });
});

describe('explainLoss', () => {
  it('says the device went away and that posd reopens it', () => {
    const reason = explainLoss(coded('EIO', 'EIO: i/o error, read'), serial);
    expect(reason).toContain('lost /dev/ttyUSB0');
    expect(reason).toContain('reopens it by itself');
  });
});
