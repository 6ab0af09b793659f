import { describe, expect, it } from 'vitest';
import { detectInflow } from '../../../src/core/detectors/inflow.ts';
import type { Measures } from '../../../src/core/detectors/measures.ts';
import type { Category, CounterpartyKind } from '../../../src/domain/transaction.ts';
import { Ledger, MemoryStore, UNASSIGNED, czk, pragueWinter, profile, rules, seededState, summary } from '../../support/core-fixtures.ts';

const quiet: Measures = { totalBalance: 0, averageDailyBalance30: 0, cumulativeOutflow: 0, usualCumulativeOutflow: 0, cumulativeInflow: 0, usualCumulativeInflow: 0, competitorOutflow90: 0, competitorOutflowRecent: 0, customerTransactions30: 0 };

/** Measures around one credit onto a steady balance (the 30-day average is that balance). */
function aroundCredit(kind: CounterpartyKind, amount: number, balance: number, inflowBefore = 0) {
  const before: Measures = { ...quiet, totalBalance: balance, averageDailyBalance30: balance, cumulativeInflow: inflowBefore };
  const counted = rules.largeInflow.cumulative.kinds.includes(kind) ? amount : 0;
  return { before, after: { ...before, totalBalance: balance + amount, cumulativeInflow: inflowBefore + counted } };
}

describe('inflow detector, one credit against hand-made measures', () => {
  it.each([
    // name, tier, counterparty, category, amount, balance, window inflow before → [kind, priority]
    ['as much again as the average, in cash (60,000 onto 50,000)', 'SILVER', 'CASH', 'CASH', czk(60_000), czk(50_000), 0, [['LARGE_INFLOW', 'MEDIUM']]],
    ['less than the average (40,000 onto 50,000)', 'SILVER', 'CASH', 'CASH', czk(40_000), czk(50_000), 0, []],
    ['double a tiny average but under the 30,000 floor', 'SILVER', 'CASH', 'CASH', czk(20_000), czk(1_000), 0, []],
    ['the absolute threshold from another bank: HIGH (money from a competitor)', 'SILVER', 'OTHER_BANK', 'TRANSFER', czk(100_000), czk(400_000), 0, [['LARGE_INFLOW', 'HIGH']]],
    ['the same onto ten times as much is routine for this customer (10% of the average): nothing', 'SILVER', 'OTHER_BANK', 'TRANSFER', czk(100_000), czk(1_000_000), 0, []],
    ['a fifth of the average is the least share at which the amount counts', 'SILVER', 'OTHER_BANK', 'TRANSFER', czk(100_000), czk(500_000), 0, [['LARGE_INFLOW', 'HIGH']]],
    ['with 200 more of average (19.99%) it does not', 'SILVER', 'OTHER_BANK', 'TRANSFER', czk(100_000), czk(500_200), 0, []],
    ['the same for GOLD is under its 200,000 threshold, and a single transfer is no window sum', 'GOLD', 'OTHER_BANK', 'TRANSFER', czk(100_000), czk(1_000_000), 0, []],
    ['...unless the window already holds 100,000 from other banks', 'GOLD', 'OTHER_BANK', 'TRANSFER', czk(100_000), czk(800_000), czk(100_000), [['CUMULATIVE_INFLOW', 'HIGH']]],
    ['...a window sum that is under a fifth of the average is routine for this customer', 'GOLD', 'OTHER_BANK', 'TRANSFER', czk(100_000), czk(1_100_000), czk(100_000), []],
    ['a top tier raises MEDIUM to HIGH', 'PLATINUM', 'CASH', 'CASH', czk(600_000), czk(2_000_000), 0, [['LARGE_INFLOW', 'HIGH']]],
    ['1,000,000 arriving is HIGH, never URGENT (an opportunity, not an emergency)', 'SILVER', 'SAME_BANK_CUSTOMER', 'TRANSFER', czk(1_000_000), czk(1_000_000), 0, [['LARGE_INFLOW', 'HIGH']]],
    ['own-account moves are not a jump', 'SILVER', 'OWN_ACCOUNT', 'TRANSFER', czk(900_000), czk(100_000), 0, []],
    ['salary, however large, is regular income', 'SILVER', 'OTHER_BANK', 'SALARY', czk(1_000_000), czk(10_000), 0, []],
    ['so is a pension', 'SILVER', 'SAME_BANK_CUSTOMER', 'PENSION', czk(200_000), czk(10_000), 0, []],
    ['and interest', 'SILVER', 'NONE', 'INTEREST', czk(50_000), czk(10_000), 0, []],
    ['a salary does not complete a window sum either', 'SILVER', 'OTHER_BANK', 'SALARY', czk(80_000), czk(500_000), czk(30_000), []],
    ['while the same amount as a transfer is a jump', 'SILVER', 'OTHER_BANK', 'TRANSFER', czk(1_000_000), czk(10_000), 0, [['LARGE_INFLOW', 'HIGH']]],
    ['a deposit maturing is not excluded by default', 'SILVER', 'NONE', 'DEPOSIT_MATURITY', czk(500_000), czk(10_000), 0, [['LARGE_INFLOW', 'MEDIUM']]],
  ] as const)('%s', (_, tier, kind, category, amount, balance, inflowBefore, expected) => {
    const { before, after } = aroundCredit(kind, amount, balance, inflowBefore);
    const credit = new Ledger().credit(amount, pragueWinter('2024-01-10'), { counterpartyKind: kind, category: category as Category });
    const findings = detectInflow(credit, before, after, { rules, tier });
    expect(findings.map((finding) => [finding.kind, finding.priority])).toEqual(expected);
    for (const finding of findings) {
      expect(finding.feeds).toEqual(['rm', 'campaign']);
      expect(finding.toCompetitor).toBe(false); // money came in, nothing left for a competitor
    }
  });

  it('debits are not inflow', () => {
    const debit = new Ledger().debit(czk(900_000), pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK' });
    expect(detectInflow(debit, quiet, quiet, { rules, tier: null })).toEqual([]);
  });

  it('money from a competitor says so and suggests keeping it', () => {
    const { before, after } = aroundCredit('OTHER_BANK', czk(150_000), czk(500_000));
    const credit = new Ledger().credit(czk(150_000), pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK' });
    const [finding] = detectInflow(credit, before, after, { rules, tier: 'SILVER' });
    expect(finding?.reason).toBe('Received 150,000.00 CZK from another bank, 30% of the 30-day average balance');
    expect(finding?.suggestedAction).toContain('competitor');
    expect(finding?.evidence).toEqual([
      { metric: 'amount', unit: 'MINOR_UNITS', value: czk(150_000), threshold: czk(100_000), baseline: null },
      { metric: 'share_of_average_balance_30d', unit: 'BASIS_POINTS', value: 3000, threshold: 2000, baseline: null }, // the line with the tier's amount: a fifth
      { metric: 'average_daily_balance_30d', unit: 'MINOR_UNITS', value: czk(500_000), threshold: null, baseline: null },
      { metric: 'relationship_balance_after', unit: 'MINOR_UNITS', value: czk(650_000), threshold: null, baseline: czk(500_000) },
    ]);
  });
});

describe('inflow, the domain brief’s cases through the processor', () => {
  /** BLACK_GOLD, 5,000,000.00 steady since October (single threshold 1,000,000; 7-day window sum from other banks 1,000,000). */
  function blackGold(consent = true) {
    const store = new MemoryStore([profile({ servedTier: 'BLACK_GOLD', marketingConsent: consent })]).seed(
      seededState({ balances: { 'a-1': czk(5_000_000) }, since: pragueWinter('2023-10-01') }),
    );
    return { store, ledger: new Ledger('c-1', { 'a-1': czk(5_000_000) }) };
  }

  it('money moved in from another bank in two tranches (≈ US$50,000 as 2 × 575,000 CZK) is an opportunity on the second', () => {
    const { store, ledger } = blackGold();
    const tranches = ['2024-01-08', '2024-01-11'].map((day) => ledger.credit(czk(575_000), pragueWinter(day), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '2010' }));
    const later = ledger.credit(czk(10_000), pragueWinter('2024-01-12'), { counterpartyKind: 'OTHER_BANK' });
    const [first, second, third] = store.feed([...tranches, later]);
    expect(first).toEqual([]); // 575,000 alone: under 1,000,000, and 11.5% of the average
    expect(summary(second!)).toEqual([{ kind: 'CUMULATIVE_INFLOW', priority: 'HIGH', feeds: ['campaign', 'rm'] }]);
    expect(third).toEqual([]); // the move is already told
    const { alert } = second![0]!;
    expect(alert).toMatchObject({ amountAtStakeMinor: czk(1_150_000), counterpartyKind: 'OTHER_BANK', toCompetitor: false, causeTransactionId: tranches[1]!.transactionId, tier: 'BLACK_GOLD' });
    expect(alert.reason).toBe('Received 1,150,000.00 CZK from other banks in 7 days, in more than one transfer');
    // 30-day average on 11 Jan before the second tranche: (26 × 5,000,000 + 4 × 5,575,000) / 30 = 5,076,666.67
    expect(alert.evidence).toEqual([
      { metric: 'inflow_7d', unit: 'MINOR_UNITS', value: czk(1_150_000), threshold: czk(1_000_000), baseline: 0 }, // nothing in from other banks before: no usual,
      { metric: 'average_daily_balance_30d', unit: 'MINOR_UNITS', value: 507_666_667, threshold: null, baseline: null },
      { metric: 'relationship_balance_after', unit: 'MINOR_UNITS', value: czk(6_150_000), threshold: null, baseline: 507_666_667 },
    ]);
  });

  it('a business that receives its takings from other banks every week is told while that is new, not once it is its normal', () => {
    // SILVER, 400,000.00 since October with nothing coming in; from 8 Jan, every Monday and Wednesday 60,000 from
    // another bank (each under the 100,000 single threshold), paid on to suppliers on Friday. The window sum reaches
    // 120,000 every week: told the first week; from the second on, a 7-day sum the customer already had (and, once the
    // habit is 12 weeks deep, under 1.5 × the usual per 7 days, which grows by about 10,120 a week)
    const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': czk(400_000) }, since: pragueWinter('2023-10-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(400_000) });
    const told: string[] = [];
    for (let week = 0; week < 20; week += 1) {
      const monday = Date.parse('2024-01-08T00:00:00Z') + week * 7 * 86_400_000;
      const on = (offset: number) => new Date(monday + offset * 86_400_000).toISOString().slice(0, 10);
      const postings = [
        ledger.credit(czk(60_000), pragueWinter(on(0)), { counterpartyKind: 'OTHER_BANK' }),
        ledger.credit(czk(60_000), pragueWinter(on(2)), { counterpartyKind: 'OTHER_BANK' }),
        ledger.debit(czk(120_000), pragueWinter(on(4)), { counterpartyKind: 'SAME_BANK_CUSTOMER' }),
      ];
      store.feed(postings).forEach((emissions, index) => {
        if (emissions.some(({ alert }) => alert.kind === 'CUMULATIVE_INFLOW')) told.push(new Date(postings[index]!.eventTime).toISOString().slice(0, 10));
      });
    }
    expect(told).toEqual(['2024-01-10']);
  });

  it('a credit no larger than one the customer had on a day of the last 90 is their normal; a new high is news', () => {
    // SILVER, 400,000.00 since October: 150,000 from another bank on 8 Jan (37% of the average: a jump), 140,000 on
    // 20 Feb (43 days on: not last month's repeat, but no larger than 8 Jan's), 300,000 on 25 Mar (a new high)
    const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': czk(400_000) }, since: pragueWinter('2023-10-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(400_000) });
    const credits = [
      ledger.credit(czk(150_000), pragueWinter('2024-01-08'), { counterpartyKind: 'OTHER_BANK' }),
      ledger.credit(czk(140_000), pragueWinter('2024-02-20'), { counterpartyKind: 'OTHER_BANK' }),
      ledger.credit(czk(300_000), pragueWinter('2024-03-25'), { counterpartyKind: 'OTHER_BANK' }),
    ];
    const kinds = store.feed(credits).map((emissions) => emissions.filter(({ alert }) => alert.kind === 'LARGE_INFLOW').length);
    expect(kinds).toEqual([1, 0, 1]);
  });

  it('tranches further apart than the 7-day window do not add up', () => {
    const { store, ledger } = blackGold();
    // 9 Jan's window is 3..9 Jan: the 1 Jan tranche is out of it
    const emitted = store.feed(['2024-01-01', '2024-01-09'].map((day) => ledger.credit(czk(575_000), pragueWinter(day), { counterpartyKind: 'OTHER_BANK' })));
    expect(emitted).toEqual([[], []]);
  });

  it('a customer without marketing consent: the RM hears of it, the campaign feed does not', () => {
    const { store, ledger } = blackGold(false);
    const emitted = store.feed(['2024-01-08', '2024-01-11'].map((day) => ledger.credit(czk(575_000), pragueWinter(day), { counterpartyKind: 'OTHER_BANK' })));
    expect(summary(emitted[1]!)).toEqual([{ kind: 'CUMULATIVE_INFLOW', priority: 'HIGH', feeds: ['rm'] }]);
  });

  it('a customer with no profile: default thresholds, the unassigned queue, no campaign', () => {
    // 90,000.00: no profile is the lowest tier, and 90,000 does not qualify for GOLD (no upgrade on a day close)
    const store = new MemoryStore().seed(seededState({ balances: { 'a-1': czk(90_000) }, since: pragueWinter('2023-10-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(90_000) });
    // default window threshold 100,000: 2 × 60,000 from other banks (each under the 100,000 single threshold and under
    // the 30-day average, 90,000 then 96,000)
    const emitted = store.feed(['2024-01-08', '2024-01-10'].map((day) => ledger.credit(czk(60_000), pragueWinter(day), { counterpartyKind: 'OTHER_BANK' })));
    expect(emitted[0]).toEqual([]);
    expect(summary(emitted[1]!)).toEqual([{ kind: 'CUMULATIVE_INFLOW', priority: 'HIGH', feeds: ['rm'] }]);
    expect(emitted[1]![0]!.alert).toMatchObject({ rmId: null, queue: UNASSIGNED, tier: null, branchId: null });
  });

  it('salary and pension credits never count as a jump, month after month', () => {
    // A working pensioner with 10,000.00 who spends what comes in: a 40,000 salary and a 30,000 pension on the 15th,
    // each over the 30,000 floor and several times the 30-day average (≈ 10,000–12,000), so either would be a jump if
    // it were not regular income; card payments of 19,000 (under the 20,000 share floor), 19,000, 19,000 and 13,000
    // bring the balance back to 10,000 (a SILVER balance: no day close has anything to tell either)
    const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': czk(10_000) }, since: pragueWinter('2023-10-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(10_000) });
    const card = { category: 'CARD', counterpartyKind: 'NONE', channel: 'CARD' } as const;
    const month = (year: number, month: number, day: number) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const postings = [1, 2, 3].flatMap((m) => [
      ledger.credit(czk(40_000), pragueWinter(month(2024, m, 15), '08:00'), { category: 'SALARY', counterpartyKind: 'OTHER_BANK' }),
      ledger.credit(czk(30_000), pragueWinter(month(2024, m, 15), '11:00'), { category: 'PENSION', counterpartyKind: 'SAME_BANK_CUSTOMER' }),
      ledger.debit(czk(19_000), pragueWinter(month(2024, m, 16)), card),
      ledger.debit(czk(19_000), pragueWinter(month(2024, m, 17)), card),
      ledger.debit(czk(19_000), pragueWinter(month(2024, m, 18)), card),
      ledger.debit(czk(13_000), pragueWinter(month(2024, m, 19)), card),
    ]);
    expect(store.feed(postings).flat()).toEqual([]);
    expect(ledger.balance()).toBe(czk(10_000));
  });

  // A salary of 80,000 from the employer's bank and a 30,000 transfer two days later: only 30,000 was moved over.
  it('a salary from another bank does not help a later transfer cross the 7-day inflow sum', () => {
    // SILVER with 90,000.00 (under GOLD's 100,000); the 30,000 transfer is 31% of the 30-day average, no jump either
    const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': czk(90_000) }, since: pragueWinter('2023-10-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(90_000) });
    const emitted = store.feed([
      ledger.credit(czk(80_000), pragueWinter('2024-01-15'), { category: 'SALARY', counterpartyKind: 'OTHER_BANK' }),
      ledger.credit(czk(30_000), pragueWinter('2024-01-17'), { category: 'TRANSFER', counterpartyKind: 'OTHER_BANK' }),
    ]);
    expect(emitted.flat()).toEqual([]);
  });

  // The first posting seen for a customer shows 1,960,000 held before it: a 40,000 credit is 2% of that, not a jump.
  it('the first credit seen for a customer who already holds a large balance is not a jump', () => {
    const store = new MemoryStore([profile()]);
    const ledger = new Ledger('c-1', { 'a-1': czk(1_960_000) });
    const emitted = store.feed([ledger.credit(czk(40_000), pragueWinter('2024-01-10'), { counterpartyKind: 'SAME_BANK_CUSTOMER' })]);
    expect(emitted.flat()).toEqual([]);
  });
});
