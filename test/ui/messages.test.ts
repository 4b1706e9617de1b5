import { describe, expect, it } from 'vitest';
import { PaymentMethod, PaymentState } from '../../src/api/http/schemas.js';
import { DEVICE_KINDS } from '../../src/drivers/device.js';
import { FINANCIAL_KINDS } from '../../src/protocol/record.js';
import { ALL_MESSAGES, hasMessage, t } from '../../web/src/i18n.js';
import { entryToMinor, formatAmount, pressKey } from '../../web/src/money.js';

const CJK = /[\u3400-\u9fff]/;
const literals = (schema: { anyOf: { const: string }[] }): string[] => schema.anyOf.map((s) => s.const);

describe("the counter screen's messages", () => {
  it('every string in both languages: Chinese in zh, none in en, the same placeholders', () => {
    const bad: string[] = [];
    for (const [key, [zh, en]] of Object.entries(ALL_MESSAGES)) {
      // The language button names the other language.
      const swapped = key === 'language';
      if (zh.trim() === '' || en.trim() === '') bad.push(`${key}: empty`);
      if (!swapped && !CJK.test(zh)) bad.push(`${key}: zh has no Chinese: ${zh}`);
      if (!swapped && CJK.test(en)) bad.push(`${key}: en has Chinese: ${en}`);
      const holes = (s: string): string => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
      if (holes(zh) !== holes(en)) bad.push(`${key}: placeholders differ`);
    }
    expect(bad).toEqual([]);
    expect(Object.keys(ALL_MESSAGES).length).toBeGreaterThan(100);
  });

  it('has words for every payment state, method, device, device state and report kind the API can send', () => {
    const needed = [
      ...literals(PaymentState as never).map((s) => `state_${s}`),
      ...literals(PaymentMethod as never).map((m) => `tender_${m}`),
      ...DEVICE_KINDS.map((k) => `device_${k}`),
      ...['stopped', 'connecting', 'ready', 'degraded', 'failed'].map((s) => `devState_${s}`),
      ...FINANCIAL_KINDS.map((k) => `kind_${k}`),
      ...['pending', 'succeeded', 'refused'].map((s) => `refund_${s}`),
    ];
    expect(needed.filter((key) => !hasMessage(key))).toEqual([]);
  });

  it('puts values in', () => {
    expect(t('en', 'collect', { amount: '¥1.00' })).toBe('Collect ¥1.00');
    expect(t('zh', 'collect', { amount: '¥1.00' })).toBe('收款 ¥1.00');
  });
});

describe('amounts on the keypad (whole fen, never floats)', () => {
  it('formats and reads amounts', () => {
    expect(formatAmount(1250)).toBe('¥12.50');
    expect(formatAmount(5)).toBe('¥0.05');
    expect(formatAmount(1200, 'MAT')).toBe('MAT 12.00');
    expect(entryToMinor('12.5')).toBe(1250);
    expect(entryToMinor('0.07')).toBe(7);
    expect(entryToMinor('.')).toBe(0);
    expect(entryToMinor('')).toBe(0);
    expect(entryToMinor('19.99')).toBe(1999);
  });

  it('takes one decimal point, two decimals, six whole digits at most, and backspace', () => {
    const typed = (keys: string[]): string => keys.reduce(pressKey, '');
    expect(typed(['1', '2', '.', '5', '0', '9'])).toBe('12.50');
    expect(typed(['.', '5'])).toBe('0.5');
    expect(typed(['1', '.', '.', '2'])).toBe('1.2');
    expect(typed(['0', '0', '7'])).toBe('7');
    expect(typed(['9', '9', '9', '9', '9', '9', '9'])).toBe('999999');
    expect(typed(['4', '2', 'back'])).toBe('4');
    expect(typed(['4', 'x'])).toBe('4');
  });
});
