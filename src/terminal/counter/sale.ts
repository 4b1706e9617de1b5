import { CodedError } from '../../errors/coded-error.js';
import type { Product } from '../catalog/catalog.js';

export interface SaleLine {
  product: Product;
  quantity: number;
}

export class SaleError extends CodedError<'empty' | 'mixed_assets' | 'too_large'> {
  override readonly name = 'SaleError';
}

/** The basket being rung up. Scanning the same product again adds one to its line. */
export class Sale {
  private readonly lines: SaleLine[] = [];

  add(product: Product): SaleLine {
    if (this.lines.length > 0 && this.lines[0]!.product.asset !== product.asset) {
      throw new SaleError('mixed_assets', `${product.name} is priced in ${product.asset}, this sale is in ${this.asset}`);
    }
    const line = this.lines.find((l) => l.product.gtin === product.gtin);
    if (line) {
      line.quantity++;
      return line;
    }
    const added = { product, quantity: 1 };
    this.lines.push(added);
    return added;
  }

  get items(): readonly SaleLine[] {
    return this.lines;
  }

  get asset(): string | undefined {
    return this.lines[0]?.product.asset;
  }

  get total(): number {
    const total = this.lines.reduce((sum, l) => sum + l.product.price * l.quantity, 0);
    if (!Number.isSafeInteger(total)) throw new SaleError('too_large', 'the sale total is too large');
    return total;
  }

  get count(): number {
    return this.lines.reduce((n, l) => n + l.quantity, 0);
  }

  get isEmpty(): boolean {
    return this.lines.length === 0;
  }
}
