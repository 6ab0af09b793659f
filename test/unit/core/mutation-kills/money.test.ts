import { describe, expect, it } from 'vitest';
import { basisPointsOf, formatMoney, formatPercent } from '../../../../src/core/money.ts';

describe('money for people', () => {
  it.each([
    { minor: 95_000_000, currency: 'CZK', text: '950,000.00 CZK' },
    { minor: -1_234_56, currency: 'CZK', text: '-1,234.56 CZK' },
    { minor: 5, currency: 'CNY', text: '0.05 CNY' },
    { minor: 0, currency: 'HKD', text: '0.00 HKD' },
    // the currency's own decimals (ISO 4217): none for the yen, three for the Kuwaiti dinar
    { minor: 1_234_567, currency: 'JPY', text: '1,234,567 JPY' },
    { minor: 1_234_567, currency: 'KWD', text: '1,234.567 KWD' },
  ])('$minor minor units of $currency read $text', ({ minor, currency, text }) => {
    expect(formatMoney(minor, currency)).toBe(text);
  });

  it('keeps each currency’s decimals apart when several are formatted in turn', () => {
    expect([formatMoney(100, 'JPY'), formatMoney(100, 'CZK'), formatMoney(100, 'JPY'), formatMoney(100, 'CZK')]).toEqual(['100 JPY', '1.00 CZK', '100 JPY', '1.00 CZK']);
  });
});

describe('shares in basis points', () => {
  it.each([
    { amount: 1, base: 3, bp: 3_333 },
    { amount: 2, base: 3, bp: 6_667 },
    { amount: 50, base: 100, bp: 5_000 },
    { amount: 300, base: 100, bp: 30_000 },
    { amount: -25, base: 100, bp: -2_500 },
    { amount: 100, base: 0, bp: 0 },
    { amount: 100, base: -50, bp: 0 },
  ])('$amount of $base is $bp bp', ({ amount, base, bp }) => {
    expect(basisPointsOf(amount, base)).toBe(bp);
  });

  it.each([
    { bp: 0, text: '0%' },
    { bp: 3_333, text: '33%' },
    { bp: 3_350, text: '34%' },
    { bp: 10_000, text: '100%' },
    { bp: 24_949, text: '249%' },
  ])('$bp bp reads $text', ({ bp, text }) => {
    expect(formatPercent(bp)).toBe(text);
  });
});
