import { describe, expect, it } from 'vitest';
import { detectDormancy, nextDormancyDue, toldStage } from '../../../src/core/detectors/dormancy.ts';
import { alertIdOf } from '../../../src/core/policy.ts';
import type { CustomerState } from '../../../src/core/state.ts';
import type { CustomerProfile } from '../../../src/domain/profile.ts';
import { DAY, Ledger, MemoryStore, afterCloseOf, calendar, czk, pragueWinter, profile, rules, seededState } from '../../support/core-fixtures.ts';

const T0 = pragueWinter('2024-01-01', '10:00'); // the customer's last own transaction

/**
 * Known since June 2023 with 300,000.00; last acted on 1 Jan 2024 (a 500.00 card payment); since then only the
 * bank posted: interest on 31 Jan (+100.00) and a fee on 29 Feb (−50.00). Balance 299,550.00.
 */
function quietCustomer(customer: CustomerProfile | undefined = profile()) {
  const store = new MemoryStore(customer === undefined ? [] : [customer]).seed(
    seededState({ balances: { 'a-1': czk(300_000) }, since: pragueWinter('2023-06-01'), lastActivityAt: pragueWinter('2023-06-01') }),
  );
  const ledger = new Ledger('c-1', { 'a-1': czk(300_000) });
  store.feed([
    ledger.debit(czk(500), T0, { category: 'CARD', channel: 'CARD' }),
    ledger.interest(czk(100), pragueWinter('2024-01-31')),
    ledger.fee(czk(50), pragueWinter('2024-02-29')),
  ]);
  return { store, ledger, state: store.state() };
}

const told = (state: CustomerState, stage: number): CustomerState => ({ ...structuredClone(state), dormancy: { since: state.lastActivityAt ?? state.firstSeenAt, stage } });

describe('dormancy: silence is the signal', () => {
  const { state, store } = quietCustomer();

  it('bank postings do not break the silence: it began with the last own transaction', () => {
    expect(state.lastActivityAt).toBe(T0);
    expect(state.streamTime).toBe(pragueWinter('2024-02-29'));
    expect(toldStage(state)).toBe(0);
    // the fee does not move the first stage: still 60 days after 1 Jan (1 Mar 10:00)...
    expect(nextDormancyDue(state, profile(), rules)).toBe(T0 + 60 * DAY);
    // ...but the batch that applied it set the timer to the close of 29 Feb (a customer worth a daily look, 299,550.00,
    // whose day had a posting), 1 Mar 00:01 Prague: the earlier of the two (wake-up.ts)
    expect([...store.timers.values()]).toEqual([afterCloseOf('2024-02-29')]);
    // that wake-up judges 29 Feb (nothing new: the PLATINUM upgrade and the idle funds this SILVER-served 300,000.00
    // customer qualifies for were told on the close of 31 Dec; an upgrade is told once per tier, idle funds cool down
    // for 90 days) and then waits for the stage
    expect(store.sweep(afterCloseOf('2024-02-29')).emissions).toEqual([]);
    expect([...store.timers.values()]).toEqual([T0 + 60 * DAY]);
  });

  it.each([
    // name, stage already told, now (after the last activity), tier → [stage reached, priority, stage days] or none
    ['a moment before 60 days: nothing', 0, 60 * DAY - 1, 'SILVER', undefined],
    ['60 days: stage 1, LOW', 0, 60 * DAY, 'SILVER', [1, 'LOW', 60]],
    ['stage 1 told, 89 days: nothing new', 1, 89 * DAY, 'SILVER', undefined],
    ['stage 1 told, 90 days: stage 2, MEDIUM', 1, 90 * DAY, 'SILVER', [2, 'MEDIUM', 90]],
    ['nothing told, 200 days (after an outage): only the highest stage reached, 180 days', 0, 200 * DAY, 'SILVER', [3, 'MEDIUM', 180]],
    ['stage 2 told, 730 days: dormant, HIGH', 2, 730 * DAY, 'SILVER', [4, 'HIGH', 730]],
    ['nothing told, 5 years: dormant, once', 0, 5 * 365 * DAY, 'SILVER', [4, 'HIGH', 730]],
    ['every stage told: nothing more, ever', 4, 5 * 365 * DAY, 'SILVER', undefined],
    ['a top tier hears stage 1 as MEDIUM', 0, 60 * DAY, 'PLATINUM', [1, 'MEDIUM', 60]],
    ['a top tier going dormant is URGENT', 3, 730 * DAY, 'BLACK_GOLD', [4, 'URGENT', 730]],
  ] as const)('%s', (_, stage, elapsed, tier, expected) => {
    const found = detectDormancy(told(state, stage), profile({ servedTier: tier }), T0 + elapsed, { rules, tier }, calendar);
    if (expected === undefined) {
      expect(found).toBeUndefined();
      return;
    }
    const [reached, priority, stageDays] = expected;
    expect(found?.stage).toBe(reached);
    expect(found?.finding).toMatchObject({
      kind: 'DORMANCY',
      priority,
      causeKey: `${T0}:${reached}`,
      eventTime: T0 + stageDays * DAY, // when the silence reached the stage, not when it was noticed
      amountAtStakeMinor: czk(299_550),
      // the RM hears the first stage of a silence; later ones are recorded (and move the churn score)
      feeds: stage === 0 ? ['rm'] : [],
      counterpartyKind: null,
      causeTransactionId: null,
      evidence: [
        { metric: 'days_without_customer_activity', unit: 'DAYS', value: stageDays, threshold: stageDays, baseline: null },
        { metric: 'relationship_balance', unit: 'MINOR_UNITS', value: czk(299_550), threshold: null, baseline: null },
      ],
    });
  });

  it('says what the RM needs: how long, since when, that only the bank posted, what is held', () => {
    const found = detectDormancy(state, profile(), T0 + 60 * DAY, { rules, tier: 'SILVER' }, calendar);
    expect(found?.finding.reason).toBe('Going quiet: no customer-initiated activity for 60 days (last active 2024-01-01; only bank postings (interest, fees) since); 299,550.00 CZK held');
    const dormant = detectDormancy(state, profile(), T0 + 730 * DAY, { rules, tier: 'SILVER' }, calendar);
    expect(dormant?.finding.reason).toMatch(/^Dormant: no customer-initiated activity for 730 days/);
  });

  it('a closed relationship gets no warnings and no timer', () => {
    const closed = profile({ status: 'CLOSED' });
    expect(detectDormancy(state, closed, T0 + 800 * DAY, { rules, tier: 'SILVER' }, calendar)).toBeUndefined();
    expect(nextDormancyDue(state, closed, rules)).toBeNull();
  });

  it.each([
    [0, T0 + 60 * DAY],
    [1, T0 + 90 * DAY],
    [2, T0 + 180 * DAY],
    [3, T0 + 730 * DAY],
    [4, null],
  ])('with stage %i told, the next timer is due at %s', (stage, due) => {
    expect(nextDormancyDue(told(state, stage), profile(), rules)).toBe(due);
    expect(nextDormancyDue(told(state, stage), undefined, rules)).toBe(due); // no profile: not known to be closed
  });

  it('acting again resets the stages: the next warning counts from the new activity, with a new alert id', () => {
    const { store: acting, ledger } = quietCustomer();
    const stage1 = detectDormancy(acting.state(), profile(), T0 + 60 * DAY, { rules, tier: 'SILVER' }, calendar)!;
    const afterStage1 = told(acting.state(), 1);
    acting.seed(afterStage1, acting.states.get('c-1')!.rev);
    const back = ledger.debit(czk(1_000), T0 + 70 * DAY, { counterpartyKind: 'CASH', channel: 'ATM' });
    acting.feed([back]);
    const state = acting.state();
    expect(toldStage(state)).toBe(0);
    expect(nextDormancyDue(state, profile(), rules)).toBe(back.eventTime + 60 * DAY);
    // the timer first wakes for the close of that day (11 Mar: a posting, a customer worth a daily look), then to look
    // at the new silence on its eighth day, then every four days, then for the stage
    expect(acting.timers.get('tx/0/c-1')).toBe(afterCloseOf('2024-03-11'));
    acting.sweep(afterCloseOf('2024-03-11'));
    expect(acting.timers.get('tx/0/c-1')).toBe(afterCloseOf('2024-03-19'));
    expect(acting.advance(back.eventTime + 60 * DAY - 1)).toEqual([]);
    expect(acting.timers.get('tx/0/c-1')).toBe(back.eventTime + 60 * DAY);
    expect(detectDormancy(state, profile(), T0 + 95 * DAY, { rules, tier: 'SILVER' }, calendar)).toBeUndefined();
    const again = detectDormancy(state, profile(), back.eventTime + 60 * DAY, { rules, tier: 'SILVER' }, calendar)!;
    expect(again.stage).toBe(1);
    expect(alertIdOf('c-1', again.finding)).not.toBe(alertIdOf('c-1', stage1.finding));
  });

  it('a customer never seen acting is silent since first seen', () => {
    const ledger = new Ledger('c-9', { 'a-1': czk(1_000) });
    const store = new MemoryStore();
    store.feed([ledger.interest(czk(1), pragueWinter('2024-01-05')), ledger.fee(czk(2), pragueWinter('2024-02-05'))]);
    const state = store.state('c-9');
    expect(state.lastActivityAt).toBeNull();
    expect(nextDormancyDue(state, undefined, rules)).toBe(pragueWinter('2024-01-05') + 60 * DAY);
    const found = detectDormancy(state, undefined, pragueWinter('2024-01-05') + 60 * DAY, { rules, tier: null }, calendar);
    expect(found?.finding.reason).toContain('first seen 2024-01-05, never active');
  });
});
