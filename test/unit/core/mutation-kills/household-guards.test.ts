import { describe, expect, it } from 'vitest';
import { householdFeatures, householdsForTransactions, membersPassed, pendingDaysReady, tiersMustWait } from '../../../../src/core/household.ts';
import type { HouseholdMember } from '../../../../src/core/household.ts';
import { seriesFeatures } from '../../../../src/core/features.ts';
import { Ledger, calendar, core, czk, dayNo, pragueWinter, profile, recordsOf, seededState } from '../../../support/core-fixtures.ts';

/** The watermark's guards one by one (core/household.ts): who may hold a household's day, and who may not. */
const day = dayNo('2024-02-10');
const since = pragueWinter('2023-10-01');
const member = (customerId: string, passedDay: number | undefined, status: 'ACTIVE' | 'CLOSED' = 'ACTIVE'): HouseholdMember => ({
  customerId,
  state: seededState({ customerId, balances: { [`${customerId}-a`]: czk(35_000) }, since }),
  profile: profile({ customerId, householdId: 'h-1', status }),
  ...(passedDay === undefined ? {} : { passedDay }),
});
const own = () => seededState({ customerId: 'c-1', balances: { 'a-1': czk(50_000) }, since });
const inHousehold = profile({ customerId: 'c-1', householdId: 'h-1' });

describe('which members hold a household day', () => {
  it('a closed member never holds it, wherever its partition is; an open one behind the day does', () => {
    expect(membersPassed([member('c-2', day - 5, 'CLOSED')], day)).toBe(true);
    expect(membersPassed([member('c-2', day - 5)], day)).toBe(false);
    expect(membersPassed([member('c-2', day)], day)).toBe(true);
    // a member whose partition's watermark the caller does not know counts as complete
    expect(membersPassed([member('c-2', undefined)], day)).toBe(true);
  });

  it('a day waits only for a customer in a household, under rules with a household floor, while a member is behind or an earlier day waits', () => {
    expect(tiersMustWait(own(), inHousehold, day, [member('c-2', day - 1)], core.rules)).toBe(true);
    expect(tiersMustWait(own(), inHousehold, day, [member('c-2', day)], core.rules)).toBe(false);
    // no household on the profile, no profile: nothing to wait for
    expect(tiersMustWait(own(), profile({ customerId: 'c-1', householdId: null }), day, [member('c-2', day - 1)], core.rules)).toBe(false);
    expect(tiersMustWait(own(), undefined, day, [member('c-2', day - 1)], core.rules)).toBe(false);
    // members not read (a batch that judges no close): nothing known to wait for
    expect(tiersMustWait(own(), inHousehold, day, undefined, core.rules)).toBe(false);
    // an earlier day still waits: this one waits behind it, even with every member past it
    const waiting = own();
    waiting.tiersPending = [day - 1];
    expect(tiersMustWait(waiting, inHousehold, day, [member('c-2', day)], core.rules)).toBe(true);
  });

  it('the waiting days whose members have all passed are judged, oldest first, up to the first that still waits', () => {
    const state = own();
    state.tiersPending = [day - 2, day - 1, day];
    expect(pendingDaysReady(state, [member('c-2', day - 1)])).toEqual([day - 2, day - 1]);
    expect(pendingDaysReady(state, undefined)).toEqual([]);
  });
});

describe('what a household sums', () => {
  it('a member first seen after the judged day is not in its sum (as in the replay, where it has no state yet then)', () => {
    const later = member('c-2', undefined);
    later.state!.firstSeenAt = pragueWinter('2024-02-11');
    expect(householdFeatures(seriesFeatures(own(), day, calendar), [later], core.rules, calendar)).toBeNull();
    const sameDay = member('c-2', undefined);
    sameDay.state!.firstSeenAt = pragueWinter('2024-02-10');
    expect(householdFeatures(seriesFeatures(own(), day, calendar), [sameDay], core.rules, calendar)?.members).toBe(2);
  });
});

describe('which households a batch reads', () => {
  it('a customer with a day waiting for the household is read on any record, even one on a day already judged', () => {
    const ledger = new Ledger('c-1', { 'a-1': czk(50_000) });
    const records = recordsOf([ledger.debit(czk(200), pragueWinter('2024-02-10', '12:00'), { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' })]);
    const state = own();
    state.streamTime = pragueWinter('2024-02-10', '09:00');
    state.evaluatedDay = dayNo('2024-02-09');
    const loaded = (pending: number[] | undefined) => {
      const copy = structuredClone(state);
      if (pending !== undefined) copy.tiersPending = pending;
      return new Map([['c-1', { state: copy, profile: inHousehold }]]);
    };
    expect(householdsForTransactions(loaded(undefined), records, core.rules, calendar)).toEqual([]);
    expect(householdsForTransactions(loaded([dayNo('2024-02-08')]), records, core.rules, calendar)).toEqual(['h-1']);
    // a customer seen for the first time, with one day in the batch, judges no close yet: nothing to read
    expect(householdsForTransactions(new Map([['c-1', { state: undefined, profile: inHousehold }]]), recordsOf([ledger.debit(czk(1), pragueWinter('2024-02-11', '10:00'))]), core.rules, calendar)).toEqual([]);
  });

  it('a new customer whose batch spans two days judges the first day’s close: its household is read, unless the customer is closed or unknown', () => {
    const ledger = new Ledger('c-1', { 'a-1': czk(50_000) });
    const card = { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' } as const;
    // records out of day order: the span is 10 to 11 February whichever comes first
    const twoDays = recordsOf([ledger.debit(czk(1), pragueWinter('2024-02-11', '10:00'), card), ledger.debit(czk(1), pragueWinter('2024-02-10', '10:00'), card), ledger.debit(czk(1), pragueWinter('2024-02-11', '12:00'), card)]);
    const newcomer = (status: 'ACTIVE' | 'CLOSED') => new Map([['c-1', { state: undefined, profile: profile({ customerId: 'c-1', householdId: 'h-1', status }) }]]);
    expect(householdsForTransactions(newcomer('ACTIVE'), twoDays, core.rules, calendar)).toEqual(['h-1']);
    expect(householdsForTransactions(newcomer('CLOSED'), twoDays, core.rules, calendar)).toEqual([]);
    expect(householdsForTransactions(new Map(), twoDays, core.rules, calendar)).toEqual([]);
  });
});
