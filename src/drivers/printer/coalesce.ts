/**
 * Joins whole segments into writes of at most maxBytes; a segment bigger than that goes alone.
 * Segments are never split, so a status query written between two writes never lands inside a
 * command.
 */
export function coalesce(parts: readonly Uint8Array[], maxBytes: number): Uint8Array[] {
  const writes: Uint8Array[] = [];
  let batch: Uint8Array[] = [];
  let size = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    if (batch.length === 1) writes.push(batch[0]!);
    else {
      const joined = new Uint8Array(size);
      let at = 0;
      for (const b of batch) {
        joined.set(b, at);
        at += b.length;
      }
      writes.push(joined);
    }
    batch = [];
    size = 0;
  };
  for (const part of parts) {
    if (size + part.length > maxBytes) flush();
    batch.push(part);
    size += part.length;
  }
  flush();
  return writes;
}
