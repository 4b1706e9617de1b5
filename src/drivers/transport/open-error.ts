/**
 * Turns the error a device open (or a lost device) threw into words a technician can act on.
 * serialport's native binding reports only strerror text ("Error: Permission denied, cannot
 * open /dev/ttyUSB0"), node's own errors carry `code`, node-hid says "cannot open device with
 * vendor id ...": errnoOf reads all three.
 */

/** Which device family: decides the group that grants access and the hints. */
export type AccessTransport = 'serial' | 'hid' | 'gpio';

/** The group the posd user needs for each kind of device node. */
export const ACCESS_GROUPS: Readonly<Record<AccessTransport, string>> = Object.freeze({
  serial: 'dialout',
  hid: 'plugdev',
  gpio: 'gpio',
});

export interface OpenTarget {
  transport: AccessTransport;
  /** What was opened, as a technician names it: /dev/ttyUSB0, 0c2e:0b61, gpio:raspi. */
  what: string;
  /** A hw-sim twin in this process rather than hardware. */
  simulated?: boolean;
  /** A HID device asked for by vendor:product id (not by path). */
  hidById?: boolean;
}

/** strerror(3) texts (glibc) and the errno each stands for; the more specific text first. */
const STRERROR_TEXT: readonly (readonly [RegExp, string])[] = [
  [/no such file or directory/i, 'ENOENT'],
  [/permission denied/i, 'EACCES'],
  [/operation not permitted/i, 'EPERM'],
  [/device or resource busy/i, 'EBUSY'],
  [/resource temporarily unavailable/i, 'EAGAIN'],
  [/inappropriate ioctl for device/i, 'ENOTTY'],
  [/no such device or address/i, 'ENXIO'],
  [/no such device/i, 'ENODEV'],
  [/input\/output error|\bi\/o error/i, 'EIO'],
];

/** The errno name of an error: its `code` when that is one, else read from its message, else from its cause. */
export function errnoOf(err: unknown, depth = 0): string | undefined {
  if (!(err instanceof Error) || depth > 4) return undefined;
  const code = (err as Error & { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return code;
  for (const [text, errno] of STRERROR_TEXT) if (text.test(err.message)) return errno;
  return errnoOf(err.cause, depth + 1);
}

/** Why opening `target` failed, in words a technician can act on. */
export function explainOpenError(err: unknown, target: OpenTarget): string {
  const message = messageOf(err);
  const errno = errnoOf(err);
  const { what } = target;
  if (target.simulated) {
    if (errno === 'ENOENT') return `no simulated device ${what} is plugged in (hw-sim)`;
    if (errno === 'EBUSY' || errno === 'EAGAIN') return `simulated device ${what} is already open elsewhere in this process`;
    return `cannot open simulated device ${what}: ${message}`;
  }
  switch (errno) {
    case 'ENOENT':
    case 'ENODEV':
    case 'ENXIO':
      return notFound(target, errno);
    case 'EACCES':
    case 'EPERM':
      return permissionDenied(target, errno);
    case 'EBUSY':
    case 'EAGAIN':
      return `${what} is busy (${errno}): another program has it open. Find it with \`fuser -v ${what}\` (ModemManager, a serial console or a second posd are the usual ones) and stop it`;
    case 'ENOTTY':
      return `${what} is not a serial port (ENOTTY): the path names another kind of file; check the URI`;
    case 'EIO':
      return `input/output error on ${what} (EIO): the device is failing or was just unplugged; check the cable and the power`;
  }
  if (target.transport === 'hid' && target.hidById && /cannot open device with vendor id/i.test(message)) {
    return `no HID device with vendor:product ${what} is connected: check the cable, and that \`lsusb\` lists ${what}`;
  }
  if ((err as { code?: unknown } | undefined)?.code === 'ERR_DLOPEN_FAILED') {
    return `the driver library for ${what} could not be loaded (${message}); for HID devices install libusb-1.0-0 and libudev1`;
  }
  return `cannot open ${what}: ${message}`;
}

/** Why a device that was open went away. */
export function explainLoss(err: unknown, target: OpenTarget): string {
  if (target.simulated) return `simulated device ${target.what} was unplugged (${messageOf(err)})`;
  return `lost ${target.what} (${messageOf(err)}): the device was unplugged or lost power; check the cable. posd reopens it by itself`;
}

function notFound(target: OpenTarget, errno: string): string {
  const { what } = target;
  switch (target.transport) {
    case 'serial':
      return (
        `no such device ${what} (${errno}): check the cable and the power, and name the port by its ` +
        `/dev/serial/by-id/ link, since ttyUSB/ttyACM numbers change when devices are replugged`
      );
    case 'hid':
      return target.hidById
        ? `no HID device with vendor:product ${what} is connected (${errno}): check the cable, and that \`lsusb\` lists ${what}`
        : `no such device ${what} (${errno}): check the cable; a udev rule gives the device a stable name (docs/hardware.md)`;
    case 'gpio':
      return `no GPIO device for ${what} (${errno}): is this a Raspberry Pi with its GPIO character device (/dev/gpiochip0, /dev/gpiomem)?`;
  }
}

function permissionDenied(target: OpenTarget, errno: string): string {
  const group = ACCESS_GROUPS[target.transport];
  const extra =
    target.transport === 'hid'
      ? ', and install the udev rule that gives hidraw nodes to plugdev (docs/hardware.md)'
      : target.transport === 'gpio'
        ? ' (it owns /dev/gpiomem and /dev/gpiochip*)'
        : '';
  return `permission denied opening ${target.what} (${errno}): add the posd user to the ${group} group (\`sudo usermod -aG ${group} posd\`)${extra}, then restart posd`;
}

function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // serialport's native messages start with a redundant "Error: ".
  return text.replace(/^Error:?\s*/, '');
}
