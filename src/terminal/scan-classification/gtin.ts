/** Product barcodes of the EAN/UPC family, all GTINs: EAN-8, UPC-A (12 digits), EAN-13. */
export type ProductSymbology = 'ean8' | 'upca' | 'ean13';

export const PRODUCT_LENGTHS: Readonly<Record<number, ProductSymbology>> = Object.freeze({ 8: 'ean8', 12: 'upca', 13: 'ean13' });

/**
 * GS1 mod-10 check digit of the digits before it: from the right, weights 3, 1, 3, 1 ...
 * The same rule serves EAN-8, UPC-A and EAN-13.
 */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  let weight = 3;
  for (let i = body.length - 1; i >= 0; i--) {
    sum += (body.charCodeAt(i) - 48) * weight;
    weight = 4 - weight;
  }
  return (10 - (sum % 10)) % 10;
}

/** For an all-digit GTIN: the check digit it should have, and whether it has it. */
export function checkGtin(digits: string): { expected: number; found: number; valid: boolean } {
  const expected = gtinCheckDigit(digits.slice(0, -1));
  const found = digits.charCodeAt(digits.length - 1) - 48;
  return { expected, found, valid: expected === found };
}
