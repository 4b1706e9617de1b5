import { product, type Product } from '../../src/terminal/catalog/catalog.js';

/** A small shop's shelf, for the demo and tests: bilingual names, prices in fen (CNY) and one in the merchant token (MAT). */
export const DEMO_PRODUCTS: readonly Product[] = [
  product('6901234567892', { zh: '矿泉水', en: 'Mineral water 550ml' }, 200),
  product('6923450657713', { zh: '绿茶', en: 'Green tea 500ml' }, 350),
  product('6954767410173', { zh: '方便面', en: 'Instant noodles' }, 450),
  product('6902083881405', { zh: '牛奶', en: 'Milk 250ml' }, 300),
  product('4006381333931', { en: 'Pencil HB' }, 150),
  // Priced in the merchant association's token (MAT, pegged 1:1 to CNY, settled on its own line).
  product('6900000000014', { zh: '会员点心', en: 'Member snack' }, 1200, 'MAT'),
];

/** The shelf as a catalogue file (CSV, docs/catalogue.md). */
export function demoCatalogCsv(products: readonly Product[] = DEMO_PRODUCTS): string {
  const money = (minor: number): string => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
  return ['gtin,name_zh,name_en,price,asset', ...products.map((p) => [p.gtin, p.names.zh ?? '', p.names.en ?? '', money(p.price), p.asset].join(','))].join('\n') + '\n';
}
