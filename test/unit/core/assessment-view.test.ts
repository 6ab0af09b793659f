import { describe, expect, it } from 'vitest';
import { assessmentView } from '../../../src/core/assessment-view.ts';
import { calendar, czk, pragueWinter, profile, rules, seededState } from '../../support/core-fixtures.ts';

/** GET /customers/:id/features' assessment: how the core judges the customer now, tier included, alone or as a household. */
describe('assessment view', () => {
  const since = pragueWinter('2023-10-01');
  const now = pragueWinter('2024-02-01', '12:00');
  const own = seededState({ customerId: 'c-1', balances: { 'a-1': czk(50_000) }, since, lastActivityAt: pragueWinter('2024-01-30') });
  const partner = seededState({ customerId: 'c-2', balances: { 'b-1': czk(35_000) }, since });
  const inHousehold = profile({ customerId: 'c-1', householdId: 'h-1' });

  it('a customer alone: the tier its own 30-day average qualifies for, no household', () => {
    const view = assessmentView(own, profile(), now, rules, calendar);
    expect(view.tier).toEqual({ period: 'rolling30', periodAverageMinor: czk(50_000), served: 'SILVER', household: null, qualifies: 'SILVER', servedRank: 0, upgradeTold: null });
    expect(view.churn.score).toBeGreaterThanOrEqual(0);
    expect(view.churn.score).toBeLessThanOrEqual(100);
    expect(view.watchUntil).toBeNull();
  });

  it('with the household: the sum of the members qualifies GOLD (80,000 together)', () => {
    const members = [{ customerId: 'c-2', state: partner, profile: profile({ customerId: 'c-2', householdId: 'h-1' }) }];
    const view = assessmentView(own, inHousehold, now, rules, calendar, members);
    expect(view.tier.household).toEqual({ householdId: 'h-1', members: 2, periodAverageMinor: czk(85_000) });
    expect(view.tier.qualifies).toBe('GOLD');
  });

  it('a household whose other members have no history yet is the customer alone', () => {
    const members = [{ customerId: 'c-2', state: undefined, profile: profile({ customerId: 'c-2', householdId: 'h-1' }) }];
    const view = assessmentView(own, inHousehold, now, rules, calendar, members);
    expect(view.tier.household).toBeNull();
    expect(view.tier.qualifies).toBe('SILVER');
  });
});
