import { describe, expect, it } from 'vitest';
import type { Transaction } from '../../../src/domain/transaction.ts';
import { CustomerLedger, defaultOutcome, inactiveEndDay, moneyGoneDay, relationshipEnd, sampleOutcome } from '../../../src/train/outcome.ts';

const DAY = 86_400_000;
let next = 0;
function posting(day: number, signed: number, balanceAfterMinor: number, initiatedBy: Transaction['initiatedBy'] = 'CUSTOMER'): Transaction {
  next += 1;
  return {
    transactionId: `T${next}`,
    accountId: 'A1',
    customerId: 'C1',
    amountMinor: Math.abs(signed),
    currency: 'CZK',
    direction: signed < 0 ? 'DEBIT' : 'CREDIT',
    balanceAfterMinor,
    eventTime: day * DAY + 10 * 3_600_000,
    channel: 'ONLINE',
    category: 'TRANSFER',
    counterpartyKind: 'OTHER_BANK',
    counterpartyBankCode: null,
    initiatedBy,
  };
}

/** A customer active every 5 days with small flows, the day `exitDay` sending `exitShare` of the balance away. */
function ledgerOf(days: number, exitDay: number | null, exitShare = 0.95, stopActivityAfter = Number.POSITIVE_INFINITY): CustomerLedger {
  const ledger = new CustomerLedger();
  let balance = 1_000_000;
  ledger.add(posting(0, 1_000, balance + 1_000), 0);
  balance += 1_000;
  for (let day = 5; day < days; day += 5) {
    if (day > stopActivityAfter) break;
    const signed = day === exitDay ? -Math.round(balance * exitShare) : day % 10 === 0 ? 2_000 : -2_000;
    balance += signed;
    ledger.add(posting(day, signed, balance), day);
  }
  return ledger;
}

describe('the end of a relationship', () => {
  it('is the first day money stays below 15% of the customer\'s own 90-day level for 30 days', () => {
    const history = ledgerOf(300, 150)!.history(299)!;
    expect(moneyGoneDay(history, defaultOutcome)).toBe(150);
    expect(relationshipEnd(history, defaultOutcome)).toEqual({ day: 150, reason: 'money_gone' });
  });

  it('is no end when 80% leaves (a large payment) and the rest stays', () => {
    expect(moneyGoneDay(ledgerOf(300, 150, 0.8).history(299)!, defaultOutcome)).toBeNull();
  });

  it('is the same day whatever the scale of the balance', () => {
    const small = new CustomerLedger();
    const large = new CustomerLedger();
    for (const [ledger, factor] of [[small, 1], [large, 1_000]] as const) {
      ledger.add(posting(0, 100 * factor, 10_000 * factor), 0);
      ledger.add(posting(120, -9_500 * factor, 600 * factor), 120);
    }
    expect(moneyGoneDay(small.history(250)!, defaultOutcome)).toBe(120);
    expect(moneyGoneDay(large.history(250)!, defaultOutcome)).toBe(120);
  });

  it('opens from the earliest posting\'s stamp and then trusts only the flows', () => {
    const ledger = new CustomerLedger();
    ledger.add(posting(2, -100, 900), 2); // opening 1,000
    ledger.add(posting(3, 50, 123_456), 3); // a wrong stamp: ignored
    expect([...ledger.history(4)!.closes]).toEqual([900, 950, 950]);
  });

  it('is the last active day before 60 days without a customer-initiated transaction, system postings not counting', () => {
    const ledger = ledgerOf(300, null, 0, 100);
    for (let day = 110; day < 300; day += 30) ledger.add(posting(day, 10, 0, 'SYSTEM'), day); // interest
    const history = ledger.history(299)!;
    expect(inactiveEndDay(history, defaultOutcome)).toBe(100);
    expect(relationshipEnd(history, defaultOutcome)).toEqual({ day: 100, reason: 'inactive' });
    // a silence the data has not seen for 60 days yet is no end
    expect(inactiveEndDay(ledgerOf(300, null, 0, 100).history(150)!, defaultOutcome)).toBeNull();
  });

  it('labels a day positive when the end follows within the horizon, drops days after it and days too close to the data\'s end', () => {
    const end = { day: 200, reason: 'money_gone' as const };
    expect(sampleOutcome(111, end, 500, 90, defaultOutcome)).toBe('positive');
    expect(sampleOutcome(109, end, 500, 90, defaultOutcome)).toBe('negative');
    expect(sampleOutcome(200, end, 500, 90, defaultOutcome)).toBe('after_end');
    expect(sampleOutcome(351, null, 500, 90, defaultOutcome)).toBe('censored'); // 351 + 90 + 60 > 500: an end could still come unseen
    expect(sampleOutcome(350, null, 500, 90, defaultOutcome)).toBe('negative');
  });
});
