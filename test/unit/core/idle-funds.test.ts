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

describe('idle funds: one episode, not a reminder every cooldown', () => {
  /** The LOW-appetite PLATINUM customer above, paying by card every week from 10 Jan 2024 for 40 weeks; `invest` on that day. */
  function weeks(invest: string | null) {
    const seeded = seededState({ balances: { 'a-1': czk(400_000) }, since: pragueWinter('2023-06-01'), lastActivityAt: pragueWinter('2024-01-02') });
    const store = new MemoryStore([profile({ servedTier: 'PLATINUM', riskAppetite: 'LOW' })]).seed(seeded);
    const ledger = new Ledger('c-1', { 'a-1': czk(400_000) });
    const told: string[] = [];
    for (let week = 0; week < 40; week += 1) {
      const at = pragueWinter('2024-01-10') + week * 7 * 86_400_000;
      const postings = [ledger.debit(czk(300), at, { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' })];
      if (invest !== null && new Date(at).toISOString().slice(0, 10) === invest) {
        postings.push(ledger.debit(czk(10_000), at + 3_600_000, { category: 'INVESTMENT_SUBSCRIPTION', counterpartyKind: 'OWN_ACCOUNT' }));
      }
      for (const emission of store.feed(postings).flat()) if (emission.alert.kind === 'IDLE_FUNDS') told.push(new Date(emission.alert.eventTime).toISOString().slice(0, 10));
    }
    return told;
  }

  it('money that stays idle for 40 weeks is told once, when it is first seen idle (the 90-day cooldown would have told it four times)', () => {
    expect(weeks(null)).toEqual(['2024-01-09']);
  });

  it('an investment ends the episode; idle again for 180 days after it is news again', () => {
    // invested 6 Mar 2024 (a Wednesday of the card rhythm): idle again from 180 days later, 2 Sep; told at the next
    // posting's close (the card payment of 4 Sep judges 3 Sep)
    expect(weeks('2024-03-06')).toEqual(['2024-01-09', '2024-09-03']);
  });
});

describe('idle funds: an average that wavers around the minimum is the same episode', () => {
  /** LOW, PLATINUM, 320,000.00 idle since June; on 1 Mar `out` leaves for a month and comes back on 1 Apr; daily card payments of 1.00. */
  function dip(out: number): string[] {
    const seeded = seededState({ balances: { 'a-1': czk(320_000) }, since: pragueWinter('2023-06-01'), lastActivityAt: pragueWinter('2024-01-02') });
    const store = new MemoryStore([profile({ servedTier: 'PLATINUM', riskAppetite: 'LOW' })]).seed(seeded);
    const ledger = new Ledger('c-1', { 'a-1': czk(320_000) });
    const told: string[] = [];
    for (let day = 0; day < 150; day += 1) {
      const at = pragueWinter('2024-01-10') + day * 86_400_000;
      const on = new Date(at).toISOString().slice(0, 10);
      const postings = [ledger.debit(czk(1), at, { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' })];
      if (on === '2024-03-01') postings.push(ledger.debit(out, at + 3_600_000, { counterpartyKind: 'OWN_ACCOUNT' }));
      if (on === '2024-04-01') postings.push(ledger.credit(out, at + 3_600_000, { counterpartyKind: 'OWN_ACCOUNT' }));
      for (const emission of store.feed(postings).flat()) if (emission.alert.kind === 'IDLE_FUNDS') told.push(new Date(emission.alert.eventTime).toISOString().slice(0, 10));
    }
    return told;
  }

  it('a dip to about 300,000 and back (less than a tenth under the minimum) is not told again', () => {
    expect(dip(czk(30_000))).toEqual(['2024-01-09']);
  });

  it('a fall well under it (about 220,000) ends the episode: idle again above it is news again', () => {
    const told = dip(czk(100_000));
    expect(told[0]).toBe('2024-01-09');
    expect(told).toHaveLength(2);
  });
});
