/**
 * Assets a record may carry. Money is integer minor units of one of these; the code is what a
 * record's `asset` field holds. The token is a local merchant-association token pegged 1:1 to
 * CNY and kept in its own unit, never mixed with CNY in a total.
 */
export interface AssetInfo {
  code: string;
  /** Minor units per major unit as a power of ten (CNY: 2, i.e. fen). */
  exponent: number;
  name: string;
}

export const DEFAULT_ASSETS: readonly AssetInfo[] = [
  { code: 'CNY', exponent: 2, name: 'Chinese yuan (fen)' },
  { code: 'MAT', exponent: 2, name: 'Merchant-association token, pegged 1:1 to CNY' },
];

/** The largest amount one record may carry: 10^12 minor units (10 billion CNY). */
export const MAX_RECORD_AMOUNT = 1_000_000_000_000;

export function formatAmount(minor: number, asset: AssetInfo): string {
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(asset.exponent + 1, '0');
  const major = digits.slice(0, digits.length - asset.exponent);
  const fraction = asset.exponent > 0 ? `.${digits.slice(-asset.exponent)}` : '';
  return `${negative ? '-' : ''}${major}${fraction} ${asset.code}`;
}

/**
 * An amount of the named asset for people to read: `12.50 CNY`, or `12.50` without the code.
 * An asset this terminal does not know is shown in whole units (its exponent is unknown).
 */
export function formatMoney(minor: number, assetCode: string, options: { code?: boolean } = {}): string {
  const info = DEFAULT_ASSETS.find((a) => a.code === assetCode) ?? { code: assetCode, exponent: 0, name: assetCode };
  const text = formatAmount(minor, info);
  return options.code === false ? text.slice(0, -(info.code.length + 1)) : text;
}
