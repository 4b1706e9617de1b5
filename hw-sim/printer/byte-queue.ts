/**
 * Bytes received but not parsed yet: appended at the end, consumed from the front, with no copy
 * of what is held on every append (the parser's queue used to be rebuilt per chunk, O(n^2) for
 * a long command). `bytesCopied` counts every byte moved, for tests that check the work done.
 */
export class ByteQueue {
  private buffer = new Uint8Array(256);
  private start = 0;
  private end = 0;
  /** Bytes copied into or within the queue since it was made. */
  bytesCopied = 0;

  get length(): number {
    return this.end - this.start;
  }

  /** Bytes of memory the queue holds. */
  get capacity(): number {
    return this.buffer.length;
  }

  view(): Uint8Array {
    return this.buffer.subarray(this.start, this.end);
  }

  append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.end + bytes.length > this.buffer.length) this.makeRoom(bytes.length);
    this.buffer.set(bytes, this.end);
    this.end += bytes.length;
    this.bytesCopied += bytes.length;
  }

  consume(count: number): void {
    this.start += Math.min(count, this.length);
    if (this.start === this.end) this.clear();
  }

  clear(): void {
    this.start = 0;
    this.end = 0;
    if (this.buffer.length > 1 << 16) this.buffer = new Uint8Array(256);
  }

  private makeRoom(extra: number): void {
    const held = this.length;
    const needed = held + extra;
    if (needed <= this.buffer.length >> 1) {
      this.buffer.copyWithin(0, this.start, this.end);
    } else {
      let size = this.buffer.length;
      while (size < needed) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buffer.subarray(this.start, this.end));
      this.buffer = next;
    }
    this.bytesCopied += held;
    this.start = 0;
    this.end = held;
  }
}
