/** A product the counter sells: looked up by its GTIN (EAN-13, EAN-8 or UPC-A as scanned). */
export interface Product {
  gtin: string;
  name: string;
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
}

/** A small shop's shelf, for the demo and tests: bilingual names, CNY prices in fen. */
export const DEMO_PRODUCTS: readonly Product[] = [
  { gtin: '6901234567892', name: '矿泉水 Mineral water 550ml', price: 200, asset: 'CNY' },
  { gtin: '6923450657713', name: '绿茶 Green tea 500ml', price: 350, asset: 'CNY' },
  { gtin: '6954767410173', name: '方便面 Instant noodles', price: 450, asset: 'CNY' },
  { gtin: '6902083881405', name: '牛奶 Milk 250ml', price: 300, asset: 'CNY' },
  { gtin: '4006381333931', name: 'Pencil HB', price: 150, asset: 'CNY' },
];
