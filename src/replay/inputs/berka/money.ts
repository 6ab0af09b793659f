const CZK_AMOUNT = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/;

/**
 * A PKDD'99 amount ("700.00", "-2909.60", "14.6") in minor units (haléř), exactly: the digits are read as
 * integers, never through a float times 100. Undefined for anything else (more than two decimals included).
 */
export function minorUnitsOf(text: string): number | undefined {
  const match = CZK_AMOUNT.exec(text.trim());
  if (match === null) return undefined;
  const [, sign, whole, fraction = ''] = match;
  const minor = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return sign === '-' && minor !== 0 ? -minor : minor;
}
