/** What the twin's input stage reads off the wire, from the printer's point of view. */
export type DeviceCommand =
  | { op: 'char'; ch: string; wide: boolean }
  | { op: 'lf' }
  | { op: 'ht' }
  | { op: 'init' }
  | { op: 'print-mode'; n: number }
  | { op: 'size'; width: number; height: number }
  | { op: 'bold'; on: boolean }
  | { op: 'underline'; weight: number; chinese: boolean }
  | { op: 'reverse'; on: boolean }
  | { op: 'font'; font: 'A' | 'B' }
  | { op: 'align'; align: 'left' | 'center' | 'right' }
  | { op: 'char-spacing'; dots: number }
  | { op: 'code-table'; n: number }
  | { op: 'international'; n: number }
  | { op: 'chinese-mode'; on: boolean }
  | { op: 'chinese-print-mode'; n: number }
  | { op: 'feed-lines'; n: number }
  | { op: 'feed-dots'; n: number }
  | { op: 'line-spacing'; dots: number | 'default' }
  | { op: 'cut'; partial: boolean; feedDots: number | undefined }
  | { op: 'drawer'; pin: 2 | 5; t1: number; t2: number }
  | { op: 'asb'; n: number }
  | { op: 'transmit-status'; n: number }
  /**
   * GS v 0 as declared (widthBytes x height), and the part of it the twin kept: `data` holds
   * `dataRows` rows of `dataBytesPerRow` bytes, the left part that can reach the paper.
   */
  | { op: 'raster'; scale: number; widthBytes: number; height: number; data: Uint8Array; dataBytesPerRow: number; dataRows: number }
  | { op: 'barcode-height'; n: number }
  | { op: 'barcode-width'; n: number }
  | { op: 'hri-position'; n: number }
  | { op: 'hri-font'; n: number }
  | { op: 'barcode'; m: number; data: Uint8Array }
  | { op: 'qr-model'; n1: number; n2: number }
  | { op: 'qr-cell'; n: number }
  | { op: 'qr-level'; n: number }
  | { op: 'qr-store'; data: Uint8Array }
  | { op: 'qr-print' }
  /** Real-time: DLE EOT n. */
  | { op: 'status-request'; n: number }
  /** Real-time: DLE DC4 1 m t, a drawer pulse of t x 100 ms. */
  | { op: 'realtime-pulse'; pin: 2 | 5; t: number }
  /** A command the twin knows and accepts without drawing anything. */
  | { op: 'ignored'; name: string }
  | { op: 'error'; code: TwinErrorCode; message: string };

export type TwinErrorCode =
  | 'unknown_command'
  | 'malformed_command'
  | 'bad_gb18030'
  | 'bad_barcode'
  | 'too_wide'
  | 'incomplete_command'
  | 'data_while_offline'
  | 'bad_qr';

export function isRealTime(command: DeviceCommand): boolean {
  return command.op === 'status-request' || command.op === 'realtime-pulse';
}
