export const count = (value: number): string => Math.round(value).toLocaleString('en-US');

export const share = (value: number | null): string => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);

/** One decimal at most: 2, 2.5. */
export const decimal = (value: number): string => {
  const rounded = Math.round(value * 10) / 10;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
};
