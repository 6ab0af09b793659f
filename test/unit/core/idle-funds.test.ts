import { describe, expect, it } from 'vitest';
import { Ledger, MemoryStore, calendar, czk, dayNo, pragueWinter, profile, seededState, summary } from '../../support/core-fixtures.ts';

/**
 * Idle funds: a 30-day average of at least 300,000 (idleFunds.minAverageMinor), no investment subscription or
 * redemption for 180 days (noInvestmentDays) and watched that long, and a declared risk appetite a conservative
 * product fits (LOW). The customer: steady balance, one card payment on 10 Jan 2024, whose posting judges the close
 * of 9 Jan; 180 days before 9 Jan is 13 Jul 2023.
 */
describe('idle funds: money sitting still for a customer a conservative product fits', () => {
  it.each([
    { name: 'LOW appetite, 400,000 idle since June: yes', appetite: 'LOW', tier: 'PLATINUM', balance: czk(400_000), since: '2023-06-01', invested: null, consent: true, feeds: ['campaign', 'rm'], last: 'no investment seen' },
    { name: 'HIGH appetite: no', appetite: 'HIGH', tier: 'PLATINUM', balance: czk(400_000), since: '2023-06-01', invested: null, consent: true, feeds: null, last: '' },
    { name: 'MEDIUM appetite: no (only LOW is configured)', appetite: 'MEDIUM', tier: 'PLATINUM', balance: czk(400_000), since: '2023-06-01', invested: null, consent: true, feeds: null, last: '' },
    { name: 'an investment on 1 Sep 2023, within the 180 days: no', appetite: 'LOW', tier: 'PLATINUM', balance: czk(400_000), since: '2023-06-01', invested: '2023-09-01', consent: true, feeds: null, last: '' },
    { name: 'the last investment on 1 Jul 2023, before them: yes', appetite: 'LOW', tier: 'PLATINUM', balance: czk(400_000), since: '2023-06-01', invested: '2023-07-01', consent: true, feeds: ['campaign', 'rm'], last: 'last investment 2023-07-01' },
    { name: 'watched only since 1 Sep 2023 (130 days): too early to say', appetite: 'LOW', tier: 'PLATINUM', balance: czk(400_000), since: '2023-09-01', invested: null, consent: true, feeds: null, last: '' },
    { name: '250,000 (GOLD) is under the 300,000 minimum: no', appetite: 'LOW', tier: 'GOLD', balance: czk(250_000), since: '2023-06-01', invested: null, consent: true, feeds: null, last: '' },
    { name: 'no marketing consent: the RM hears of it, campaigns do not', appetite: 'LOW', tier: 'PLATINUM', balance: czk(400_000), since: '2023-06-01', invested: null, consent: false, feeds: ['rm'], last: 'no investment seen' },
  ] as const)('$name', ({ appetite, tier, balance, since, invested, consent, feeds, last }) => {
    const seeded = seededState({ balances: { 'a-1': balance }, since: pragueWinter(since), lastActivityAt: pragueWinter('2024-01-02') });
    seeded.lastInvestmentAt = invested === null ? null : pragueWinter(invested);
    const store = new MemoryStore([profile({ servedTier: tier, riskAppetite: appetite, marketingConsent: consent })]).seed(seeded);
    const emitted = store.feed([new Ledger('c-1', { 'a-1': balance }).debit(czk(300), pragueWinter('2024-01-10'), { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' })]).flat();
    // the customers are served at the tier their balance qualifies for: idle funds are the only thing a close could tell
    if (feeds === null) {
      expect(emitted).toEqual([]);
      return;
    }
    // LOW, raised to MEDIUM for a PLATINUM (top-tier) customer
    expect(summary(emitted)).toEqual([{ kind: 'IDLE_FUNDS', priority: 'MEDIUM', feeds }]);
    expect(emitted[0]!.alert).toMatchObject({
      reason: `400,000.00 CZK average balance idle for 180 days (${last}); declared low risk appetite`,
      amountAtStakeMinor: czk(400_000),
      eventTime: calendar.startOf(dayNo('2024-01-10')) - 1, // the close of 9 Jan
      evidence: [{ metric: 'average_daily_balance_30d', unit: 'MINOR_UNITS', value: czk(400_000), threshold: czk(300_000), baseline: null }],
    });
  });
});
