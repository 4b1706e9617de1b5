/** Amounts are whole minor units (fen): never floats. */
export function formatAmount(minor: number, asset = 'CNY'): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  const prefix = asset === 'CNY' ? '¥' : `${asset} `;
  return `${sign}${prefix}${whole}.${cents}`;
}

/** What the keypad shows ("12.5") as fen (1250); 0 for nothing. */
export function entryToMinor(entry: string): number {
  if (entry === '' || entry === '.') return 0;
  const [whole = '0', cents = ''] = entry.split('.');
  return Number.parseInt(whole || '0', 10) * 100 + Number.parseInt(cents.padEnd(2, '0') || '0', 10);
}

/** One key pressed on an amount entry: digits, one decimal point, two decimals at most, up to ¥999999.99. */
export function pressKey(entry: string, key: string): string {
  if (key === 'back') return entry.slice(0, -1);
  if (key === 'clear') return '';
  if (key === '.') return entry.includes('.') ? entry : `${entry || '0'}.`;
  if (!/^[0-9]$/.test(key)) return entry;
  const dot = entry.indexOf('.');
  if (dot >= 0 && entry.length - dot > 2) return entry;
  if (dot < 0 && entry.replace(/^0+/, '').length >= 6) return entry;
  if (entry === '0') return key;
  return entry + key;
}
