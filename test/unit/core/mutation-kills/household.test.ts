import { describe, expect, it } from 'vitest';
import type { CustomerProfile } from '../../../../src/domain/profile.ts';
import { seriesFeatures } from '../../../../src/core/features.ts';
import { hasHouseholdRule, householdFeatures, householdsForTransactions, householdsOfCustomers } from '../../../../src/core/household.ts';
import type { CustomerState } from '../../../../src/core/state.ts';
import { calendar, coreWith, czk, dayNo, pragueWinter, profile, rules, seededState } from '../../../support/core-fixtures.ts';

/** The shipped rules without any household floor. */
const { rules: noHouseholds } = coreWith((raw) => {
  for (const level of raw.tiers.levels) delete level.householdMinAverageMinor;
});

const steady = (customerId: string, balance: number) => seededState({ customerId, balances: { 'a-1': balance }, since: pragueWinter('2023-10-01') });
const member = (customerId: string, state: CustomerState | undefined, overrides: Partial<CustomerProfile> = {}) => ({
  customerId,
  state,
  profile: profile({ customerId, householdId: 'h-1', ...overrides }),
});
const record = (customerId: string, isoDate: string) => ({ transaction: { customerId, eventTime: pragueWinter(isoDate) } });

describe('whether the rules judge households at all', () => {
  it('does with the shipped tiers (GOLD and PLATINUM have household floors), not without any floor', () => {
    expect(hasHouseholdRule(rules)).toBe(true);
    expect(hasHouseholdRule(noHouseholds)).toBe(false);
  });
});

describe('a household’s combined features', () => {
  const day = dayNo('2024-02-10');
  const own = () => seriesFeatures(steady('c-1', czk(60_000)), day, calendar);

  it('sums the customer’s and every other member’s period average and closing balance', () => {
    const household = householdFeatures(own(), [member('c-2', steady('c-2', czk(30_000))), member('c-3', steady('c-3', czk(10_000)))], rules, calendar);
    expect(household?.members).toBe(3);
    expect(household?.averageAt(day)).toBe(czk(100_000));
    expect(household?.closingAt(day)).toBe(czk(100_000));
  });

  it('leaves out a member with no history yet and a closed member', () => {
    const household = householdFeatures(
      own(),
      [member('c-2', steady('c-2', czk(30_000))), member('c-3', undefined), member('c-4', steady('c-4', czk(500_000)), { status: 'CLOSED' })],
      rules,
      calendar,
    );
    expect(household?.members).toBe(2);
    expect(household?.averageAt(day)).toBe(czk(90_000));
  });

  it('is no household when no other member counts, when there are no members, or when the rules have no household floor', () => {
    expect(householdFeatures(own(), [member('c-3', undefined)], rules, calendar)).toBeNull();
    expect(householdFeatures(own(), undefined, rules, calendar)).toBeNull();
    expect(householdFeatures(own(), [member('c-2', steady('c-2', czk(30_000)))], noHouseholds, calendar)).toBeNull();
  });
});

describe('which households a transaction batch must read', () => {
  // the stored customer last posted on 10 Feb and had the close of 9 Feb judged: its next close to judge is 10 Feb's,
  // on its first record of 11 Feb or later
  const stored = () => Object.assign(steady('c-1', czk(90_000)), { streamTime: pragueWinter('2024-02-10'), evaluatedDay: dayNo('2024-02-09') });
  const loadedWith = (state: CustomerState | undefined, overrides: Partial<CustomerProfile> = {}) =>
    new Map([['c-1', { state, profile: profile({ householdId: 'h-1', ...overrides }) }]]);

  it.each([
    { name: 'a record on the day it last posted (no close to judge)', dates: ['2024-02-10'], read: [] },
    { name: 'a record on the next day (judges the close of 10 Feb)', dates: ['2024-02-11'], read: ['h-1'] },
    { name: 'records spanning both days', dates: ['2024-02-10', '2024-02-11'], read: ['h-1'] },
  ])('a stored customer: $name → $read', ({ dates, read }) => {
    expect(householdsForTransactions(loadedWith(stored()), dates.map((date) => record('c-1', date)), rules, calendar)).toEqual(read);
  });

  it('counts a close already judged ahead of the stream (a wake-up judged the day after it last posted)', () => {
    const ahead = Object.assign(stored(), { evaluatedDay: dayNo('2024-02-11') });
    expect(householdsForTransactions(loadedWith(ahead), [record('c-1', '2024-02-12')], rules, calendar)).toEqual([]);
    expect(householdsForTransactions(loadedWith(ahead), [record('c-1', '2024-02-13')], rules, calendar)).toEqual(['h-1']);
  });

  it('for a new customer, only when its own records span more than one day, in whatever order they come', () => {
    expect(householdsForTransactions(loadedWith(undefined), [record('c-1', '2024-02-11'), record('c-1', '2024-02-11')], rules, calendar)).toEqual([]);
    expect(householdsForTransactions(loadedWith(undefined), [record('c-1', '2024-02-12'), record('c-1', '2024-02-11')], rules, calendar)).toEqual(['h-1']);
    expect(householdsForTransactions(loadedWith(undefined), [record('c-1', '2024-02-11'), record('c-1', '2024-02-12')], rules, calendar)).toEqual(['h-1']);
  });

  it('never for a customer without a household, a closed one, one not loaded, or under rules without household floors', () => {
    const next = [record('c-1', '2024-02-11')];
    expect(householdsForTransactions(loadedWith(stored(), { householdId: null }), next, rules, calendar)).toEqual([]);
    expect(householdsForTransactions(loadedWith(stored(), { status: 'CLOSED' }), next, rules, calendar)).toEqual([]);
    expect(householdsForTransactions(new Map(), next, rules, calendar)).toEqual([]);
    expect(householdsForTransactions(loadedWith(stored()), next, noHouseholds, calendar)).toEqual([]);
  });

  it('names a household once however many of its members judge a close', () => {
    const loaded = new Map([
      ['c-1', { state: undefined, profile: profile({ customerId: 'c-1', householdId: 'h-1' }) }],
      ['c-2', { state: undefined, profile: profile({ customerId: 'c-2', householdId: 'h-1' }) }],
      ['c-3', { state: undefined, profile: profile({ customerId: 'c-3', householdId: 'h-2' }) }],
    ]);
    const records = ['c-1', 'c-2', 'c-3'].flatMap((id) => [record(id, '2024-02-11'), record(id, '2024-02-12')]);
    expect(householdsForTransactions(loaded, records, rules, calendar).sort()).toEqual(['h-1', 'h-2']);
  });
});

describe('which households a timer sweep must read', () => {
  it('the households of the due customers, once each, leaving out closed customers and those without one', () => {
    const loaded = new Map([
      ['c-1', { profile: profile({ customerId: 'c-1', householdId: 'h-1' }) }],
      ['c-2', { profile: profile({ customerId: 'c-2', householdId: 'h-1' }) }],
      ['c-3', { profile: profile({ customerId: 'c-3', householdId: 'h-2', status: 'CLOSED' }) }],
      ['c-4', { profile: profile({ customerId: 'c-4', householdId: null }) }],
      ['c-5', { profile: undefined }],
    ]);
    expect(householdsOfCustomers(loaded, rules)).toEqual(['h-1']);
    expect(householdsOfCustomers(loaded, noHouseholds)).toEqual([]);
  });
});
