/** The printer's sensors and switches, as the twin holds them. */
export interface TwinCondition {
  paperOut: boolean;
  paperNearEnd: boolean;
  coverOpen: boolean;
  /** Taken offline without another cause (the printer's own offline switch, power saving). */
  offlineSwitch: boolean;
  autocutterError: boolean;
  /** Drawer kick-out connector pin 3 (the drawer-open switch) reads high. */
  drawerPin3High: boolean;
}

export function isOffline(c: TwinCondition): boolean {
  return c.paperOut || c.coverOpen || c.offlineSwitch || c.autocutterError;
}

const flag = (on: boolean, bits: number): number => (on ? bits : 0);

/** Reply to DLE EOT n: 0xx1xx10 with the cause bits of the Epson reference. */
export function realTimeStatusByte(n: number, c: TwinCondition): number {
  switch (n) {
    case 1:
      return 0x12 | flag(c.drawerPin3High, 0x04) | flag(isOffline(c), 0x08);
    case 2:
      return 0x12 | flag(c.coverOpen, 0x04) | flag(c.paperOut, 0x20) | flag(c.autocutterError, 0x40);
    case 3:
      return 0x12 | flag(c.autocutterError, 0x08);
    case 4:
      return 0x12 | flag(c.paperNearEnd || c.paperOut, 0x0c) | flag(c.paperOut, 0x60);
    default:
      throw new Error(`DLE EOT ${n} has no reply`);
  }
}

/** The four Automatic Status Back bytes: printer, error, paper sensor, and a reserved byte. */
export function asbBytes(c: TwinCondition): Uint8Array {
  return Uint8Array.of(
    0x10 | flag(c.drawerPin3High, 0x04) | flag(isOffline(c), 0x08) | flag(c.coverOpen, 0x20),
    flag(c.autocutterError, 0x08),
    flag(c.paperNearEnd || c.paperOut, 0x03) | flag(c.paperOut, 0x0c),
    0x00,
  );
}

/** Which ASB bytes/bits each enable bit of GS a n covers: drawer, online/offline, error, paper. */
const ASB_GROUPS: readonly { enable: number; byte: number; mask: number }[] = [
  { enable: 0x01, byte: 0, mask: 0x04 },
  { enable: 0x02, byte: 0, mask: 0x68 },
  { enable: 0x04, byte: 1, mask: 0xff },
  { enable: 0x08, byte: 2, mask: 0xff },
];

/** Whether an enabled ASB item differs between two status snapshots. */
export function asbChanged(before: Uint8Array, after: Uint8Array, enabled: number): boolean {
  return ASB_GROUPS.some((g) => (enabled & g.enable) !== 0 && ((before[g.byte]! ^ after[g.byte]!) & g.mask) !== 0);
}

/** GS r 1 (paper sensors) and GS r 2 (drawer) replies: bits 4 and 7 off. */
export function transmitStatusByte(n: number, c: TwinCondition): number {
  if (n === 2) return flag(c.drawerPin3High, 0x01);
  return flag(c.paperNearEnd || c.paperOut, 0x03) | flag(c.paperOut, 0x0c);
}
