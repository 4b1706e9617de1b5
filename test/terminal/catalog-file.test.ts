import { describe, expect, it } from 'vitest';
import { CatalogError, parseCatalog } from '../../src/terminal/catalog/catalog-file.js';

const HEADER = 'gtin,name_zh,name_en,price,asset';

function refusal(text: string, format: 'csv' | 'json' = 'csv'): string {
  try {
    parseCatalog(text, format);
  } catch (err) {
    if (err instanceof CatalogError) return err.message;
    throw err;
  }
  throw new Error('accepted');
}

describe('the product catalogue file', () => {
  it('reads CSV with bilingual names, decimal prices, quoted fields and both assets', () => {
    const products = parseCatalog(
      [HEADER, '6901234567892,矿泉水,Mineral water 550ml,2.00,CNY', '# a comment', '', '6923450657713,绿茶,"Green tea, 500ml",3.5,MAT', '4006381333931,,Pencil HB,1.5,'].join('\r\n'),
      'csv',
    );
    expect(products).toEqual([
      { gtin: '6901234567892', name: '矿泉水 Mineral water 550ml', names: { zh: '矿泉水', en: 'Mineral water 550ml' }, price: 200, asset: 'CNY' },
      { gtin: '6923450657713', name: '绿茶 Green tea, 500ml', names: { zh: '绿茶', en: 'Green tea, 500ml' }, price: 350, asset: 'MAT' },
      { gtin: '4006381333931', name: 'Pencil HB', names: { en: 'Pencil HB' }, price: 150, asset: 'CNY' },
    ]);
  });

  it('reads JSON', () => {
    const products = parseCatalog(JSON.stringify([{ gtin: '6901234567892', nameZh: '矿泉水', price: '2.00' }]), 'json');
    expect(products[0]).toMatchObject({ gtin: '6901234567892', name: '矿泉水', price: 200, asset: 'CNY' });
  });

  it.each([
    [`${HEADER}\n6901234567891,水,,2.00,CNY`, 'line 2, gtin: 6901234567891 has check digit 1, it should be 2'],
    [`${HEADER}\n69012345678,水,,2.00,CNY`, 'line 2, gtin: "69012345678" is not an EAN-13'],
    [`${HEADER}\n6901234567892,水,,2.001,CNY`, 'line 2, price: 2.001 has more than 2 decimals for CNY'],
    [`${HEADER}\n6901234567892,水,,0,CNY`, 'line 2, price: 0 must be above zero'],
    [`${HEADER}\n6901234567892,水,,abc,CNY`, 'line 2, price: "abc" is not a price'],
    [`${HEADER}\n6901234567892,水,,2.00,USD`, 'line 2, asset: "USD" is not an asset this terminal takes'],
    [`${HEADER}\n6901234567892,,,2.00,CNY`, 'line 2, name: a product needs a Chinese or an English name'],
    [`${HEADER}\n6901234567892,水,,2.00`, 'line 2: has 4 fields, the header 5'],
    [`${HEADER}\n6901234567892,水,,2.00,CNY\n6901234567892,水,,3.00,CNY`, 'line 3, gtin: 6901234567892 is already listed at line 2'],
    ['gtin,name,price\n6901234567892,水,2.00', 'line 1, name: is not a catalogue column'],
    ['name_zh,price\n水,2.00', 'line 1, gtin: the header lacks this column'],
    [`${HEADER}\n"6901234567892,水,,2.00,CNY`, 'line 2: a quoted field is never closed'],
    ['', 'line 1: the file is empty'],
  ])('refuses %j naming the line and field', (text, message) => {
    expect(refusal(text)).toContain(message);
  });

  it.each([
    ['{}', 'must be a JSON array'],
    ['[1]', 'entry 1: must be an object'],
    ['[{"gtin":"6901234567892","nameEn":"x","price":"1","colour":"red"}]', 'entry 1, colour: is not a product field'],
    ['[{"gtin":"6901234567892","nameEn":"x","price":"1"},{"gtin":"6901234567892","nameEn":"y","price":2}]', 'entry 2, gtin: 6901234567892 is already listed at entry 1'],
    ['[oops', 'is not JSON'],
  ])('refuses JSON %s', (text, message) => {
    expect(refusal(text, 'json')).toContain(message);
  });
});
