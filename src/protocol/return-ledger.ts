import type { ReturnKind } from './record.js';

const CHUNK = 1 << 16;
const STATE_BITS = 2;
const UNTOUCHED = 0;
const REFUNDED = 1;
const VOIDED = 2;
const REVERSED = 3;

/**
 * What a verifier remembers of every payment to check the return rules of docs/journal.md
 * section 4 (the same rules the writer enforces): per record seq, the amount not yet returned
 * (8 bytes) and the asset and return state (4 bytes), 12 bytes per record, allocated in chunks
 * of 65,536 records only where a payment lies. Nothing else grows with the journal.
 */
export class ReturnLedger {
  /** Per seq: the amount of the payment there not yet returned. */
  private readonly left: Float64Array[] = [];
  /** Per seq: (asset index + 1) << 2 | return state; 0 when the record there is no payment. */
  private readonly meta: Uint32Array[] = [];
  private readonly assetIndex = new Map<string, number>();
  private readonly assets: string[] = [];

  /** Bytes held: 12 per record in each chunk that holds a payment. */
  get bytes(): number {
    let chunks = 0;
    for (const chunk of this.meta) if (chunk) chunks++;
    return chunks * CHUNK * 12;
  }

  payment(seq: number, asset: string, amount: number): void {
    const c = Math.floor(seq / CHUNK);
    const i = seq % CHUNK;
    this.left[c] ??= new Float64Array(CHUNK);
    this.meta[c] ??= new Uint32Array(CHUNK);
    let index = this.assetIndex.get(asset);
    if (index === undefined) {
      index = this.assets.length;
      this.assets.push(asset);
      this.assetIndex.set(asset, index);
    }
    this.left[c]![i] = amount;
    this.meta[c]![i] = ((index + 1) << STATE_BITS) | UNTOUCHED;
  }

  /**
   * Applies a refund, void or reversal recorded at `seq`, or returns why it breaks the rules
   * (and applies nothing): `of` names an earlier payment in the same asset; a void or reversal
   * takes back the whole payment while nothing of it was returned; refunds never exceed what
   * is left; nothing is returned after a void or reversal.
   */
  apply(kind: ReturnKind, seq: number, body: { of: number; asset: string; amount: number }): string | undefined {
    const { of, asset, amount } = body;
    if (of >= seq) return `${kind} refers to record ${of}, which is not before it (seq ${seq})`;
    const c = Math.floor(of / CHUNK);
    const i = of % CHUNK;
    const meta = this.meta[c]?.[i] ?? 0;
    if (meta === 0) return `${kind} refers to record ${of}, which is not a payment`;
    const paidIn = this.assets[(meta >>> STATE_BITS) - 1]!;
    if (paidIn !== asset) return `${kind} is in ${asset} but payment ${of} was in ${paidIn}`;
    const state = meta & ((1 << STATE_BITS) - 1);
    if (state === VOIDED || state === REVERSED) return `payment ${of} was already ${state === VOIDED ? 'voided' : 'reversed'}`;
    const left = this.left[c]![i]!;
    const base = meta & ~((1 << STATE_BITS) - 1);
    if (kind === 'refund') {
      if (amount > left) return `refund of ${amount} exceeds what is left of payment ${of} (${left})`;
      this.left[c]![i] = left - amount;
      this.meta[c]![i] = base | REFUNDED;
      return undefined;
    }
    if (state === REFUNDED) return `payment ${of} was already partly refunded: a ${kind} takes back a whole payment`;
    if (amount !== left) return `a ${kind} takes back the whole payment (${left}), not ${amount}`;
    this.left[c]![i] = 0;
    this.meta[c]![i] = base | (kind === 'void' ? VOIDED : REVERSED);
    return undefined;
  }
}
