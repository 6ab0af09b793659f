/** Renders minor units for people ("950,000.00 CZK"), with the currency's own number of decimals (ISO 4217). */
const formats = new Map<string, { format: Intl.NumberFormat; scale: number }>();

function formatFor(currency: string) {
  let entry = formats.get(currency);
  if (entry === undefined) {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency, currencyDisplay: 'code' });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    entry = { format: new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }), scale: 10 ** digits };
    formats.set(currency, entry);
  }
  return entry;
}

export function formatMoney(minor: number, currency: string): string {
  const { format, scale } = formatFor(currency);
  return `${format.format(minor / scale)} ${currency}`;
}

/** amount / base in basis points (10000 = 100%), rounded; 0 when the base is not positive. */
export function basisPointsOf(amount: number, base: number): number {
  return base > 0 ? Math.round((amount * 10_000) / base) : 0;
}

export function formatPercent(basisPoints: number): string {
  return `${Math.round(basisPoints / 100)}%`;
}
