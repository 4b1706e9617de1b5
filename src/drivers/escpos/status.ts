import { EscPosError } from './errors.js';

/**
 * Status bytes as an Epson-compatible printer sends them (ESC/POS command reference, DLE EOT,
 * GS a and GS r). Every DLE EOT reply has the pattern 0xx1xx10; the first byte of an Automatic
 * Status Back message 0xx1xx00 and its three following bytes 0xx0xxxx; a GS r reply 0xx0xxxx.
 */
export function isRealTimeStatusByte(b: number): boolean {
  return (b & 0x93) === 0x12;
}

export function isAsbFirstByte(b: number): boolean {
  return (b & 0x93) === 0x10;
}

/** Bits 4 and 7 are fixed off in the 2nd..4th ASB bytes and in GS r replies. */
export function isPlainStatusByte(b: number): boolean {
  return (b & 0x90) === 0;
}

/** DLE EOT 1. */
export interface PrinterByte {
  /** Pin 3 of the drawer kick-out connector (the drawer switch, where one is wired). */
  drawerPin3High: boolean;
  offline: boolean;
  waitingForOnlineRecovery: boolean;
  feedButtonPressed: boolean;
}

/** DLE EOT 2. */
export interface OfflineCauseByte {
  coverOpen: boolean;
  feedingByButton: boolean;
  stoppedAtPaperEnd: boolean;
  errorOccurred: boolean;
}

/** DLE EOT 3. */
export interface ErrorCauseByte {
  recoverableError: boolean;
  autocutterError: boolean;
  unrecoverableError: boolean;
  autoRecoverableError: boolean;
}

/** DLE EOT 4 (roll paper sensors). Each condition is reported on two bits; either one counts. */
export interface PaperSensorByte {
  nearEnd: boolean;
  paperOut: boolean;
}

export type RealTimeStatus =
  | { request: 1; byte: number; printer: PrinterByte }
  | { request: 2; byte: number; offlineCause: OfflineCauseByte }
  | { request: 3; byte: number; errorCause: ErrorCauseByte }
  | { request: 4; byte: number; paper: PaperSensorByte };

const bit = (b: number, n: number): boolean => (b & (1 << n)) !== 0;

/** Decodes the reply to DLE EOT n. Throws EscPosError('bad_status_byte') for a byte without the 0xx1xx10 pattern. */
export function decodeRealTimeStatus(request: 1 | 2 | 3 | 4, byte: number): RealTimeStatus {
  if (!isRealTimeStatusByte(byte)) {
    throw new EscPosError('bad_status_byte', `0x${byte.toString(16).padStart(2, '0')} is not a DLE EOT reply (pattern 0xx1xx10)`);
  }
  switch (request) {
    case 1:
      return {
        request,
        byte,
        printer: { drawerPin3High: bit(byte, 2), offline: bit(byte, 3), waitingForOnlineRecovery: bit(byte, 5), feedButtonPressed: bit(byte, 6) },
      };
    case 2:
      return {
        request,
        byte,
        offlineCause: { coverOpen: bit(byte, 2), feedingByButton: bit(byte, 3), stoppedAtPaperEnd: bit(byte, 5), errorOccurred: bit(byte, 6) },
      };
    case 3:
      return {
        request,
        byte,
        errorCause: { recoverableError: bit(byte, 2), autocutterError: bit(byte, 3), unrecoverableError: bit(byte, 5), autoRecoverableError: bit(byte, 6) },
      };
    case 4:
      return { request, byte, paper: { nearEnd: (byte & 0x0c) !== 0, paperOut: (byte & 0x60) !== 0 } };
    default:
      throw new EscPosError('bad_argument', `DLE EOT n must be 1..4, got ${String(request)}`);
  }
}

/** The four bytes of an Automatic Status Back message. */
export interface AsbStatus {
  drawerPin3High: boolean;
  offline: boolean;
  coverOpen: boolean;
  feedingByButton: boolean;
  recoverableError: boolean;
  autocutterError: boolean;
  unrecoverableError: boolean;
  autoRecoverableError: boolean;
  paperNearEnd: boolean;
  paperOut: boolean;
}

export const ASB_LENGTH = 4;

/** Decodes one ASB message. Throws EscPosError('bad_status_byte') when a byte breaks the fixed bits. */
export function decodeAsb(bytes: ArrayLike<number>): AsbStatus {
  if (bytes.length !== ASB_LENGTH) throw new EscPosError('bad_status_byte', `an ASB message is 4 bytes, got ${bytes.length}`);
  const [b1, b2, b3, b4] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  if (!isAsbFirstByte(b1)) throw new EscPosError('bad_status_byte', `ASB first byte 0x${b1.toString(16)} lacks the pattern 0xx1xx00`);
  for (const b of [b2, b3, b4]) {
    if (!isPlainStatusByte(b)) throw new EscPosError('bad_status_byte', `ASB byte 0x${b.toString(16)} has bit 4 or 7 set`);
  }
  return {
    drawerPin3High: bit(b1, 2),
    offline: bit(b1, 3),
    coverOpen: bit(b1, 5),
    feedingByButton: bit(b1, 6),
    recoverableError: bit(b2, 2),
    autocutterError: bit(b2, 3),
    unrecoverableError: bit(b2, 5),
    autoRecoverableError: bit(b2, 6),
    paperNearEnd: (b3 & 0x03) !== 0,
    paperOut: (b3 & 0x0c) !== 0,
  };
}

/** GS r 1 reply: the paper sensors, sent when the command is reached in the buffer. */
export function decodePaperStatusReply(byte: number): PaperSensorByte {
  if (!isPlainStatusByte(byte)) throw new EscPosError('bad_status_byte', `0x${byte.toString(16)} is not a GS r reply (bits 4 and 7 off)`);
  return { nearEnd: (byte & 0x03) !== 0, paperOut: (byte & 0x0c) !== 0 };
}

/** The printer's condition, whichever way it was read (DLE EOT 1/2/4 [+3], or ASB). */
export interface PrinterConditions {
  offline: boolean;
  coverOpen: boolean;
  paperOut: boolean;
  paperNearEnd: boolean;
  /** Any error the printer reports (autocutter jam, head overheat, mechanical...). */
  error: boolean;
  autocutterError: boolean;
  unrecoverableError: boolean;
  drawerPin3High: boolean;
}

export function conditionsFromRealTime(
  printer: PrinterByte,
  offlineCause: OfflineCauseByte,
  paper: PaperSensorByte,
  errorCause?: ErrorCauseByte,
): PrinterConditions {
  const errorBits = errorCause
    ? errorCause.recoverableError || errorCause.autocutterError || errorCause.unrecoverableError || errorCause.autoRecoverableError
    : false;
  return {
    offline: printer.offline,
    coverOpen: offlineCause.coverOpen,
    paperOut: paper.paperOut || offlineCause.stoppedAtPaperEnd,
    paperNearEnd: paper.nearEnd || paper.paperOut,
    error: offlineCause.errorOccurred || errorBits,
    autocutterError: errorCause?.autocutterError ?? false,
    unrecoverableError: errorCause?.unrecoverableError ?? false,
    drawerPin3High: printer.drawerPin3High,
  };
}

export function conditionsFromAsb(asb: AsbStatus): PrinterConditions {
  return {
    offline: asb.offline,
    coverOpen: asb.coverOpen,
    paperOut: asb.paperOut,
    paperNearEnd: asb.paperNearEnd || asb.paperOut,
    error: asb.recoverableError || asb.autocutterError || asb.unrecoverableError || asb.autoRecoverableError,
    autocutterError: asb.autocutterError,
    unrecoverableError: asb.unrecoverableError,
    drawerPin3High: asb.drawerPin3High,
  };
}
