/**
 * Delivers chunks no earlier than a UART at `baudRate` (8N1: 10 bits a byte) could carry them.
 * One pacer per direction: chunks queue behind each other as they would on the wire.
 */
export class WirePacer {
  private busyUntil = 0;
  private readonly usPerByte: number;
  private pending = 0;

  constructor(baudRate: number, private readonly deliver: (bytes: Uint8Array) => void) {
    this.usPerByte = 10_000_000 / baudRate;
  }

  send(bytes: Uint8Array): void {
    const now = performance.now();
    const start = Math.max(now, this.busyUntil);
    this.busyUntil = start + (bytes.length * this.usPerByte) / 1000;
    const delay = this.busyUntil - now;
    this.pending++;
    setTimeout(() => {
      this.pending--;
      this.deliver(bytes);
    }, Math.max(0, Math.round(delay)));
  }

  get inFlight(): number {
    return this.pending;
  }
}
