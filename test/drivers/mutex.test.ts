import { describe, expect, it } from 'vitest';
import { Mutex } from '../../src/concurrency/mutex.js';

function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void; reject(err: Error): void } {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Mutex', () => {
  it('runs tasks one at a time, in the order they were handed in', async () => {
    const mutex = new Mutex();
    const log: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const results = gates.map((gate, i) =>
      mutex.run(async () => {
        log.push(`start ${i}`);
        await gate.promise;
        log.push(`end ${i}`);
        return i;
      }),
    );
    await Promise.resolve();
    expect(mutex.pending).toBe(3);
    gates[2]!.resolve();
    gates[1]!.resolve();
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['start 0']); // the later tasks wait for the first even though their gates are open
    gates[0]!.resolve();
    await expect(Promise.all(results)).resolves.toEqual([0, 1, 2]);
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    expect(mutex.pending).toBe(0);
  });

  it('survives a task that rejects or throws: only that task fails, the next runs', async () => {
    const mutex = new Mutex();
    const rejected = mutex.run(() => Promise.reject(new Error('first fails')));
    const thrown = mutex.run(() => {
      throw new Error('second throws');
    });
    const after = mutex.run(() => 'third runs');
    await expect(rejected).rejects.toThrow('first fails');
    await expect(thrown).rejects.toThrow('second throws');
    await expect(after).resolves.toBe('third runs');
  });

  it('takes plain values as well as promises', async () => {
    const mutex = new Mutex();
    await expect(mutex.run(() => 42)).resolves.toBe(42);
  });

  it('idle() resolves once every task handed in so far has settled, and never rejects', async () => {
    const mutex = new Mutex();
    const gate = deferred();
    const failing = mutex.run(async () => {
      await gate.promise;
      throw new Error('late failure');
    });
    failing.catch(() => undefined);
    let idle = false;
    const waited = mutex.idle().then(() => (idle = true));
    await new Promise((r) => setImmediate(r));
    expect(idle).toBe(false);
    gate.resolve();
    await waited;
    expect(idle).toBe(true);
    await expect(mutex.idle()).resolves.toBeUndefined();
  });
});
