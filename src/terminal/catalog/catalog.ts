/** A product the counter sells: looked up by its GTIN (EAN-13, EAN-8 or UPC-A as scanned). */
export interface Product {
  gtin: string;
  /** The name as shown and printed: Chinese and English together when both are known. */
  name: string;
  names: { zh?: string; en?: string };
  /** Price in minor units of `asset`. */
  price: number;
  asset: string;
}

export class Catalog {
  private readonly byGtin = new Map<string, Product>();

  constructor(products: readonly Product[]) {
    for (const p of products) {
      if (!Number.isSafeInteger(p.price) || p.price <= 0) throw new Error(`catalog: ${p.gtin} has no valid price`);
      this.byGtin.set(p.gtin, p);
    }
  }

  find(gtin: string): Product | undefined {
    return this.byGtin.get(gtin);
  }

  get size(): number {
    return this.byGtin.size;
  }

  products(): Product[] {
    return [...this.byGtin.values()];
  }
}

/** A product from its parts: the display name joins the Chinese and English names. */
export function product(gtin: string, names: { zh?: string; en?: string }, price: number, asset = 'CNY'): Product {
  const name = [names.zh, names.en].filter((n): n is string => n !== undefined && n.length > 0).join(' ') || gtin;
  return { gtin, name, names, price, asset };
}
