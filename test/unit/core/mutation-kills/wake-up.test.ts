import { describe, expect, it } from 'vitest';
import { applyTransaction, newCustomerState } from '../../../../src/core/features.ts';
import type { CustomerState } from '../../../../src/core/state.ts';
import { nextWakeUp } from '../../../../src/core/wake-up.ts';
import type { CustomerProfile } from '../../../../src/domain/profile.ts';
import { DAY, Ledger, afterCloseOf, calendar, coreWith, czk, dayNo, pragueWinter, profile, rules, seededState } from '../../../support/core-fixtures.ts';

// A customer last seen (and last active) on 10 Jan 2024; the shipped rules: a daily look from churn.minAverageBalance, dormancy
// from 60 days of silence, a monthly income overdue 40 days after the last one.
const SEEN = pragueWinter('2024-01-10');
const DORMANCY_DUE = SEEN + 60 * DAY;
/** With nothing else to wait for, a silence is looked at on its eighth day (18 Jan), then every four days. */
const FIRST_LOOK = afterCloseOf('2024-01-18');

/** Steady at `balance` since October, seen and active on 10 Jan; the close of `evaluated` judged. */
function customer(balance: number, options: { evaluated?: string; extra?: Partial<CustomerState> } = {}): CustomerState {
  const state = seededState({ balances: { 'a-1': balance }, since: pragueWinter('2023-10-01'), lastActivityAt: SEEN });
  return Object.assign(state, { streamTime: SEEN, evaluatedDay: dayNo(options.evaluated ?? '2024-01-10') }, options.extra);
}

/** Steady at `opening` since October, then one posting on 10 Jan at 10:00 (the close of 10 Jan judged). */
function afterPosting(opening: number, direction: 'credit' | 'debit', amount: number): CustomerState {
  const state = customer(opening);
  const ledger = new Ledger('c-1', { 'a-1': opening });
  applyTransaction(state, ledger[direction](amount, SEEN), { partition: 0, offset: 0 }, rules, calendar);
  return state;
}

/** `'no profile'`: a customer the bank has sent no profile for. */
const wake = (state: CustomerState, served: Partial<CustomerProfile> | 'no profile' = {}) => nextWakeUp(state, served === 'no profile' ? undefined : profile(served), rules, calendar);

describe('when a customer is looked at again without an event', () => {
  it('the close of the day it posted on, for a customer worth a daily look whose close is not judged yet', () => {
    expect(wake(customer(czk(50_000), { evaluated: '2024-01-09' }))).toBe(afterCloseOf('2024-01-10'));
  });

  it('only when the silence is next looked at, for a customer below the daily-look balance', () => {
    expect(wake(customer(rules.churn.minAverageBalanceMinor - 1, { evaluated: '2024-01-09' }))).toBe(FIRST_LOOK);
    expect(wake(customer(rules.churn.minAverageBalanceMinor, { evaluated: '2024-01-09' }))).toBe(afterCloseOf('2024-01-10'));
  });

  it('only when the silence is next looked at, once its close is judged and nothing is moving', () => {
    expect(wake(customer(czk(50_000)))).toBe(FIRST_LOOK);
  });

  it('the day after next while a churn episode is open, whatever the balance', () => {
    expect(wake(customer(czk(1_000), { extra: { churn: { since: dayNo('2024-01-05'), toldScore: 65 } } }))).toBe(afterCloseOf('2024-01-11'));
  });

  it('daily while the average sits above the served tier and the upgrade is not told yet', () => {
    expect(wake(customer(czk(150_000)), { servedTier: 'SILVER' })).toBe(afterCloseOf('2024-01-11'));
    expect(wake(customer(czk(150_000), { extra: { upgradeTold: 'SILVER' } }), { servedTier: 'SILVER' })).toBe(afterCloseOf('2024-01-11'));
    expect(wake(customer(czk(150_000), { extra: { upgradeTold: 'GOLD' } }), { servedTier: 'SILVER' })).toBe(FIRST_LOOK);
    expect(wake(customer(czk(150_000)), { servedTier: 'GOLD' })).toBe(FIRST_LOOK);
    // no profile: no served tier to be above
    expect(wake(customer(czk(150_000)), 'no profile')).toBe(FIRST_LOOK);
  });

  it('daily while the close sits in another tier than the average (a deposit on its way to an upgrade)', () => {
    // 50,000 then 100,000 in on 10 Jan: the close (150,000) is GOLD, the 30-day average (53,333) SILVER
    expect(wake(afterPosting(czk(50_000), 'credit', czk(100_000)), { servedTier: 'SILVER' })).toBe(afterCloseOf('2024-01-11'));
  });

  it('daily while a downgrade risk builds: the close below the average and within 10% of the served floor', () => {
    // GOLD (floor 100,000): 150,000 then 45,000 out: close 105,000 < 110,000 and below the average (148,500)
    expect(wake(afterPosting(czk(150_000), 'debit', czk(45_000)), { servedTier: 'GOLD' })).toBe(afterCloseOf('2024-01-11'));
    // 35,000 out: the close (115,000) is still more than 10% above the floor
    expect(wake(afterPosting(czk(150_000), 'debit', czk(35_000)), { servedTier: 'GOLD' })).toBe(FIRST_LOOK);
    // served SILVER has no floor to fall below
    expect(wake(afterPosting(czk(50_000), 'debit', czk(20_000)), { servedTier: 'SILVER' })).toBe(FIRST_LOOK);
  });

  it('the day a monthly income is overdue, once it has come twice in rhythm', () => {
    // last salary 5 Jan, second in a row: overdue (gap 42 days) on 5 Jan + 43 = 17 Feb, judged after its close; the
    // silence is looked at on 15 and 19 Feb (its 36th and 40th days), so the overdue day comes between two looks
    const paid = (streak: number, evaluated = '2024-02-15') => customer(czk(1_000), { evaluated, extra: { regularIncome: [dayNo('2024-01-05'), streak] } });
    expect(wake(paid(2))).toBe(afterCloseOf('2024-02-17'));
    expect(wake(paid(1))).toBe(afterCloseOf('2024-02-19'));
    // already judged past the overdue day: nothing more to wait for than the next look
    expect(wake(paid(2, '2024-02-17'))).toBe(afterCloseOf('2024-02-19'));
  });

  it('every four days of a silence from its eighth, until the first dormancy stage takes over', () => {
    const evaluated = (isoDate: string) => wake(customer(czk(50_000), { evaluated: isoDate }));
    expect(evaluated('2024-01-17')).toBe(afterCloseOf('2024-01-18'));
    expect(evaluated('2024-01-18')).toBe(afterCloseOf('2024-01-22'));
    expect(evaluated('2024-01-19')).toBe(afterCloseOf('2024-01-22'));
    // the 52nd day (2 Mar) and the 56th (6 Mar) are the last looks; after them only the stage (60 days) is left
    expect(evaluated('2024-03-01')).toBe(afterCloseOf('2024-03-02'));
    expect(evaluated('2024-03-02')).toBe(afterCloseOf('2024-03-06'));
    expect(evaluated('2024-03-06')).toBe(DORMANCY_DUE);
    // a stage told for this silence: the dormancy alerts say the rest
    expect(wake(customer(czk(50_000), { extra: { dormancy: { since: SEEN, stage: 1 } } }))).toBe(SEEN + 90 * DAY);
  });

  it('the first dormancy stage of a bank takes over when it comes sooner; the looks end on the 56th day when it comes later', () => {
    const at = (stagesDays: number[], isoDate: string) =>
      nextWakeUp(customer(czk(50_000), { evaluated: isoDate }), profile(), { ...rules, dormancy: { ...rules.dormancy, stagesDays } }, calendar);
    // a stage on the 30th: the 28th day (7 Feb) is the last look before it
    expect(at([30, 90], '2024-02-03')).toBe(afterCloseOf('2024-02-07'));
    expect(at([30, 90], '2024-02-07')).toBe(SEEN + 30 * DAY);
    // told: the looks stop, the dormancy alerts say the rest
    expect(nextWakeUp(customer(czk(50_000), { evaluated: '2024-02-10', extra: { dormancy: { since: SEEN, stage: 1 } } }), profile(), { ...rules, dormancy: { ...rules.dormancy, stagesDays: [30, 90] } }, calendar)).toBe(SEEN + 90 * DAY);
    // a stage on the 90th: looks until the 56th day (6 Mar), none on the 60th
    expect(at([90, 180], '2024-03-02')).toBe(afterCloseOf('2024-03-06'));
    expect(at([90, 180], '2024-03-06')).toBe(SEEN + 90 * DAY);
  });

  it('never for a closed relationship', () => {
    expect(wake(customer(czk(150_000), { evaluated: '2024-01-09' }), { status: 'CLOSED' })).toBeNull();
  });
});

describe('when a customer is looked at again: the edges of each reason', () => {
  /** Steady at `opening` since October, one posting on `isoDate` at 10:00; the close of `evaluated` judged. */
  function postedOn(isoDate: string, opening: number, direction: 'credit' | 'debit', amount: number, evaluated = isoDate): CustomerState {
    const state = seededState({ balances: { 'a-1': opening }, since: pragueWinter('2023-10-01'), lastActivityAt: pragueWinter(isoDate) });
    state.streamTime = pragueWinter(isoDate);
    state.evaluatedDay = dayNo(isoDate);
    applyTransaction(state, new Ledger('c-1', { 'a-1': opening })[direction](amount, pragueWinter(isoDate)), { partition: 0, offset: 0 }, rules, calendar);
    state.evaluatedDay = dayNo(evaluated);
    return state;
  }

  it('a close that climbs over the daily-look balance earns the look though the average stays below it', () => {
    // 1,000 CZK then 10,000 in on 10 Jan, its close not judged yet: the close (11,000) is worth a look, the average (1,333) is not
    expect(wake(postedOn('2024-01-10', czk(1_000), 'credit', czk(10_000), '2024-01-09'))).toBe(afterCloseOf('2024-01-10'));
  });

  it('no downgrade risk while the close merely equals the average, however near the floor', () => {
    // GOLD (floor 100,000), steady at 105,000: within 10% of the floor, but nothing is falling
    expect(wake(customer(czk(105_000)), { servedTier: 'GOLD' })).toBe(FIRST_LOOK);
  });

  it('no downgrade risk for a close exactly 10% above the served floor', () => {
    // 150,000 then 40,000 out: the close (110,000) is at the margin, not within it
    expect(wake(afterPosting(czk(150_000), 'debit', czk(40_000)), { servedTier: 'GOLD' })).toBe(FIRST_LOOK);
  });

  it('no downgrade risk on the lowest tier, even overdrawn: it has no floor to fall below', () => {
    // SILVER, 50,000 then 60,000 out: the close (-10,000) is below the average and below the floor of 0
    expect(wake(afterPosting(czk(50_000), 'debit', czk(60_000)), { servedTier: 'SILVER' })).toBe(FIRST_LOOK);
  });

  it('the tiers are judged on the average of the days closed since the last posting, not of the day it posted', () => {
    // 50,000 then 140,000 in on 10 Jan, closed by timers through 20 Jan: the 30-day average (101,333) has reached the
    // close's GOLD, which is served: nothing in motion, only the silence's next look (its 12th day, 22 Jan)
    expect(wake(postedOn('2024-01-10', czk(50_000), 'credit', czk(140_000), '2024-01-20'), { servedTier: 'GOLD' })).toBe(afterCloseOf('2024-01-22'));
  });

  it('with month-to-date tiers, the average since the 1st decides whether the tier is in motion', () => {
    const monthToDate = coreWith((raw) => {
      raw.tiers.period = 'monthToDate';
    }).rules;
    // 90,000 then 60,000 in on 2 Jan: since the 1st the average (120,000) is GOLD like the close, which is served; the
    // 30-day average (92,000) would still be SILVER, a tier in motion
    const state = postedOn('2024-01-02', czk(90_000), 'credit', czk(60_000));
    expect(nextWakeUp(state, profile({ servedTier: 'GOLD' }), monthToDate, calendar)).toBe(afterCloseOf('2024-01-10'));
    expect(nextWakeUp(state, profile({ servedTier: 'GOLD' }), rules, calendar)).toBe(afterCloseOf('2024-01-03'));
  });

  it("the day after a household's waiting day and its lag, whatever else is due later", () => {
    const waiting = customer(czk(1_000), { extra: { tiersPending: [dayNo('2024-01-10')] } });
    expect(nextWakeUp(waiting, profile(), rules, calendar)).toBe(afterCloseOf('2024-01-10'));
    expect(nextWakeUp(waiting, profile(), rules, calendar, 2)).toBe(afterCloseOf('2024-01-12'));
  });

  it('never for a customer known only from product events: no account seen, no silence to look at', () => {
    const known = newCustomerState('c-1', 0, SEEN);
    expect(nextWakeUp(known, profile(), rules, calendar)).toBeNull();
  });
});
