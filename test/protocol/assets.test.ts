import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/protocol/assets.js';

describe('formatMoney', () => {
  it('writes minor units as major units with the asset code, or without it', () => {
    expect(formatMoney(1250, 'CNY')).toBe('12.50 CNY');
    expect(formatMoney(5, 'MAT')).toBe('0.05 MAT');
    expect(formatMoney(-300, 'CNY')).toBe('-3.00 CNY');
    expect(formatMoney(1250, 'CNY', { code: false })).toBe('12.50');
    expect(formatMoney(7, 'XYZ')).toBe('7 XYZ');
  });
});
