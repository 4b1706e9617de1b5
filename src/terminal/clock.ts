import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RecordTime } from '../protocol/record.js';

/** Where records get their time: wall clock (recorded, not trusted) plus boot id and monotonic ms. */
export interface Clock {
  now(): RecordTime;
}

function readBootId(): string {
  try {
    const id = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    if (/^[0-9a-f-]{1,64}$/.test(id)) return id;
  } catch {
    /* not Linux: fall back to a per-process id */
  }
  return randomUUID();
}

/** The system clock. On Linux process.hrtime is CLOCK_MONOTONIC, i.e. time since boot. */
export function systemClock(): Clock {
  const boot = readBootId();
  return {
    now: () => ({ wall: Date.now(), boot, mono: Number(process.hrtime.bigint() / 1_000_000n) }),
  };
}
