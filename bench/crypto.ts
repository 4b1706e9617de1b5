import { Signer, verify } from '../src/crypto/ed25519.js';
import { referenceSign, referenceVerify } from '../src/crypto/ed25519-reference.js';
import type { BenchModule, Metric } from './metric.js';

function perSecond(iterations: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(50, iterations); i++) fn(i);
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn(i);
  return iterations / ((performance.now() - t0) / 1000);
}

const bench: BenchModule = {
  title: 'Ed25519: node:crypto hot path against the @noble/ed25519 reference',
  async run() {
    const signer = Signer.generate();
    const seed = signer.exportSeed();
    const message = new Uint8Array(Buffer.alloc(600, 0x61));
    const signature = signer.sign(message);
    const nodeSign = perSecond(5000, () => signer.sign(message));
    const nobleSign = perSecond(300, () => referenceSign(message, seed));
    const nodeVerify = perSecond(5000, () => verify(signature, message, signer.publicKey));
    const nobleVerify = perSecond(300, () => referenceVerify(signature, message, signer.publicKey));
    const metrics: Metric[] = [
      { name: 'crypto.sign.node_per_s', value: nodeSign, unit: '/s' },
      { name: 'crypto.sign.noble_per_s', value: nobleSign, unit: '/s' },
      { name: 'crypto.sign.node_vs_noble', value: nodeSign / nobleSign, unit: 'x', note: '600-byte message' },
      { name: 'crypto.verify.node_per_s', value: nodeVerify, unit: '/s' },
      { name: 'crypto.verify.noble_per_s', value: nobleVerify, unit: '/s' },
      { name: 'crypto.verify.node_vs_noble', value: nodeVerify / nobleVerify, unit: 'x' },
    ];
    return metrics;
  },
};

export default bench;
