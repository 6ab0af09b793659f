import { describe, expect, it } from 'vitest';
import { detectDormancy, nextDormancyDue, silenceStartOf, toldStage } from '../../../../src/core/detectors/dormancy.ts';
import { newCustomerState } from '../../../../src/core/features.ts';
import type { CustomerState } from '../../../../src/core/state.ts';
import { DAY, calendar, czk, pragueWinter, profile, rules, seededState } from '../../../support/core-fixtures.ts';

// Shipped stages: 60, 90, 180 and 730 days without customer-initiated activity (the last one is "dormant").
const LAST_ACTIVE = pragueWinter('2024-01-10');
const quietSince = (extra: Partial<CustomerState> = {}): CustomerState =>
  Object.assign(seededState({ balances: { 'a-1': czk(1_000) }, since: pragueWinter('2023-06-01'), lastActivityAt: LAST_ACTIVE }), { streamTime: LAST_ACTIVE }, extra);
const detect = (state: CustomerState, now: number, tier: string | null = 'SILVER') => detectDormancy(state, profile(), now, { rules, tier }, calendar);

describe('when the next dormancy stage is due', () => {
  it('is the first stage, 60 days after the last own transaction, when nothing was told', () => {
    expect(nextDormancyDue(quietSince(), profile(), rules)).toBe(LAST_ACTIVE + 60 * DAY);
  });

  it('is the next stage after the one told for this silence, none after the last', () => {
    expect(nextDormancyDue(quietSince({ dormancy: { since: LAST_ACTIVE, stage: 2 } }), profile(), rules)).toBe(LAST_ACTIVE + 180 * DAY);
    expect(nextDormancyDue(quietSince({ dormancy: { since: LAST_ACTIVE, stage: 4 } }), profile(), rules)).toBeNull();
  });

  it('starts over when the stage told belongs to an earlier silence (the customer acted since)', () => {
    const state = quietSince({ dormancy: { since: LAST_ACTIVE - 100 * DAY, stage: 3 } });
    expect(toldStage(state)).toBe(0);
    expect(nextDormancyDue(state, profile(), rules)).toBe(LAST_ACTIVE + 60 * DAY);
  });

  it('counts a customer never seen acting as silent since first seen', () => {
    const state = quietSince({ lastActivityAt: null });
    expect(silenceStartOf(state)).toBe(pragueWinter('2023-06-01'));
    expect(nextDormancyDue(state, profile(), rules)).toBe(pragueWinter('2023-06-01') + 60 * DAY);
  });

  it('is never for a closed relationship or a customer known only from product events', () => {
    expect(nextDormancyDue(quietSince(), profile({ status: 'CLOSED' }), rules)).toBeNull();
    expect(nextDormancyDue(newCustomerState('c-1', 0, LAST_ACTIVE), profile(), rules)).toBeNull();
  });
});

describe('the dormancy finding', () => {
  it('tells nothing a moment before the first stage, the first stage (LOW) when it is reached', () => {
    expect(detect(quietSince(), LAST_ACTIVE + 60 * DAY - 1)).toBeUndefined();
    const found = detect(quietSince(), LAST_ACTIVE + 60 * DAY);
    expect(found?.stage).toBe(1);
    expect(found?.finding).toMatchObject({
      kind: 'DORMANCY',
      priority: 'LOW',
      causeKey: `${LAST_ACTIVE}:1`,
      reason: 'Going quiet: no customer-initiated activity for 60 days (last active 2024-01-10); 1,000.00 CZK held',
      evidence: [
        { metric: 'days_without_customer_activity', unit: 'DAYS', value: 60, threshold: 60, baseline: null },
        { metric: 'relationship_balance', unit: 'MINOR_UNITS', value: czk(1_000), threshold: null, baseline: null },
      ],
      amountAtStakeMinor: czk(1_000),
      counterpartyKind: null,
      toCompetitor: false,
      causeTransactionId: null,
      eventTime: LAST_ACTIVE + 60 * DAY,
      feeds: ['rm'],
    });
    expect(found?.finding.suggestedAction).toMatch(/^Get in touch/);
  });

  it('tells a stage once: nothing more until the next', () => {
    const told = quietSince({ dormancy: { since: LAST_ACTIVE, stage: 1 } });
    expect(detect(told, LAST_ACTIVE + 89 * DAY)).toBeUndefined();
    expect(detect(told, LAST_ACTIVE + 90 * DAY)).toMatchObject({ stage: 2, finding: { priority: 'MEDIUM' } });
  });

  it('after an outage tells only the highest stage reached', () => {
    expect(detect(quietSince(), LAST_ACTIVE + 200 * DAY)).toMatchObject({ stage: 3, finding: { priority: 'MEDIUM', causeKey: `${LAST_ACTIVE}:3`, eventTime: LAST_ACTIVE + 180 * DAY } });
  });

  it('calls the last stage dormant, HIGH, with its own suggested action', () => {
    const found = detect(quietSince(), LAST_ACTIVE + 730 * DAY);
    expect(found?.stage).toBe(4);
    expect(found?.finding.priority).toBe('HIGH');
    expect(found?.finding.reason).toMatch(/^Dormant: no customer-initiated activity for 730 days/);
    expect(found?.finding.suggestedAction).toMatch(/^The relationship is dormant/);
  });

  it.each([
    { stageDay: 60, priority: 'MEDIUM' },
    { stageDay: 90, priority: 'HIGH' },
    { stageDay: 730, priority: 'URGENT' },
  ])('raises a top-tier customer’s by one step (day $stageDay: $priority)', ({ stageDay, priority }) => {
    expect(detect(quietSince(), LAST_ACTIVE + stageDay * DAY, 'PLATINUM')?.finding.priority).toBe(priority);
  });

  it('says when only the bank posted since, and when the customer was never active', () => {
    expect(detect(quietSince({ streamTime: LAST_ACTIVE + 30 * DAY }), LAST_ACTIVE + 60 * DAY)?.finding.reason).toBe(
      'Going quiet: no customer-initiated activity for 60 days (last active 2024-01-10; only bank postings (interest, fees) since); 1,000.00 CZK held',
    );
    const firstSeen = pragueWinter('2023-06-01');
    expect(detect(quietSince({ lastActivityAt: null, streamTime: firstSeen }), firstSeen + 60 * DAY)?.finding.reason).toBe(
      'Going quiet: no customer-initiated activity for 60 days (first seen 2023-06-01, never active); 1,000.00 CZK held',
    );
  });

  it('sums the balance over every account', () => {
    const state = quietSince({ accounts: { 'a-1': [czk(1_000), LAST_ACTIVE], 'a-2': [czk(2_500), LAST_ACTIVE] } });
    expect(detect(state, LAST_ACTIVE + 60 * DAY)?.finding.amountAtStakeMinor).toBe(czk(3_500));
  });

  it('tells nothing for a closed relationship or a customer known only from product events', () => {
    expect(detectDormancy(quietSince(), profile({ status: 'CLOSED' }), LAST_ACTIVE + 800 * DAY, { rules, tier: null }, calendar)).toBeUndefined();
    expect(detectDormancy(newCustomerState('c-1', 0, LAST_ACTIVE), profile(), LAST_ACTIVE + 800 * DAY, { rules, tier: null }, calendar)).toBeUndefined();
  });
});
