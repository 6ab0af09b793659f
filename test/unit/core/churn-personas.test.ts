import { describe, expect, it } from 'vitest';
import { priorities } from '../../../src/domain/alert.ts';
import type { Priority } from '../../../src/domain/alert.ts';
import { catalogue } from '../../support/persona-catalogue.ts';
import { coreWith, czk } from '../../support/core-fixtures.ts';
import { churnTold, dayIndex, live } from '../../support/personas.ts';
import type { Life, Persona } from '../../support/personas.ts';

/**
 * The personas and traps lived day by day through the core with the shipped rules and scorecard: what the
 * RM hears of each (the RM churn kinds), and that it does not depend on how much money the customer has.
 */
const byName = new Map(catalogue.map((entry) => [entry.name, entry]));
const lives = new Map<string, Life>();
const lifeOf = (name: string, scale = 1): Life => {
  const key = `${name}×${scale}`;
  let life = lives.get(key);
  if (life === undefined) {
    life = live(byName.get(name)!.persona, { scale });
    lives.set(key, life);
  }
  return life;
};
/** [kind, days before the persona's day (positive: a warning), priority] of every RM churn alert. */
const heard = (name: string, scale = 1) => {
  const day = byName.get(name)!.day ?? 0;
  return churnTold(lifeOf(name, scale)).map(({ on, emission }) => [emission.alert.kind, day - on, emission.alert.priority]);
};

const HEAVY = { timeout: 120_000 };

describe('what the RM hears of each persona (shipped rules and scorecard)', () => {
  it('a steady customer: nothing', HEAVY, () => {
    expect(heard('steady')).toEqual([]);
  });

  it.each(['small-balance exit', 'sudden exit in two steps'])('%s: an URGENT exit on the day the money went, whatever the amount', (name) => {
    expect(heard(name)).toEqual([['LARGE_OUTFLOW', 0, 'URGENT']]);
    const { emission } = churnTold(lifeOf(name))[0]!;
    expect(emission.feeds).toEqual(['risk', 'rm']);
    expect(emission.alert.reason).toMatch(/^Near-total withdrawal: .* to another bank/);
  }, HEAVY.timeout);

  it.each(['house down payment', 'one-day spike', 'annual tax payment', 'holiday spending'])('%s (a trap): no churn alert to the RM', (name) => {
    expect(heard(name)).toEqual([]);
  }, HEAVY.timeout);

  it('the house down payment still reaches the risk team, as a large outflow to another bank', HEAVY, () => {
    const large = lifeOf('house down payment').risk.filter(({ emission }) => emission.alert.kind === 'LARGE_OUTFLOW');
    expect(large.map(({ emission }) => [emission.feeds, emission.alert.toCompetitor])).toEqual([[['risk'], true]]);
  });

  it('the slow fade: one CHURN_RISK episode, told weeks before the last transaction, escalated (not repeated) as it deepens', HEAVY, () => {
    const told = heard('slow fade');
    expect(told.map(([kind, , priority]) => [kind, priority])).toEqual([
      ['CHURN_RISK', 'MEDIUM'],
      ['CHURN_RISK', 'URGENT'],
    ]);
    // each escalation is told louder than the telling before it, never at the same priority
    for (let index = 1; index < told.length; index += 1) expect(priorities.indexOf(told[index]![2] as Priority)).toBeLessThan(priorities.indexOf(told[index - 1]![2] as Priority));
    expect(told[0]![1]).toBeGreaterThanOrEqual(14);
    const reasons = churnTold(lifeOf('slow fade')).map(({ emission }) => emission.alert.reason);
    expect(reasons[0]).toMatch(/^Churn risk \d+\/100: /);
    for (const reason of reasons.slice(1)) expect(reason).toMatch(/^Churn risk rising \d+\/100: /);
  });

  it('the leak the salary refills: a CHURN_RISK episode weeks before the exit, escalated as it drains; then the exit, and not the same departure again when activity stops', HEAVY, () => {
    const told = heard('leak with the salary refilling');
    expect(told.map(([kind, , priority]) => [kind, priority])).toEqual([
      // the leak's first month already sends competitors more than any month before it did
      ['CHURN_RISK', 'MEDIUM'],
      ['CHURN_RISK', 'HIGH'],
      // the score rose past 80 (HIGH) as the months of the leak went on: told one louder
      ['CHURN_RISK', 'URGENT'],
      ['LARGE_OUTFLOW', 'URGENT'],
    ]);
    expect(told[0]![1]).toBeGreaterThanOrEqual(60);
    expect(told[3]![1]).toBe(0);
    const reasons = churnTold(lifeOf('leak with the salary refilling')).map(({ emission }) => emission.alert.reason);
    expect(reasons[0]).toMatch(/^Churn risk \d+\/100: .* to other banks and investment platforms in 30 days beyond the largest day; at most .* in one of the \d remembered months before/);
    expect(reasons[1]).toMatch(/^Churn risk rising \d+\/100: /);
    expect(reasons[2]).toMatch(/^Churn risk rising \d+\/100: .*to competitors in repeated transfers beyond the usual over two months/);
    expect(lifeOf('leak with the salary refilling').store.state().churn).toMatchObject({ exit: true });
  });
});

describe('a leak the score does not see yet', () => {
  it('a leak in three monthly chunks of a third of the balance, the salary going on: told only at the exit', HEAVY, () => {
    // the 60-day reading sees the second chunk (three times the most of any month before), but each chunk then joins
    // the customer's usual outflow to competitors: their "turnover" (negative points) and the 30 days' usual. Judging
    // turnover by the months before the 90 days instead was tried on generated families and not kept (README, backtest)
    expect(heard('leak in monthly chunks')).toEqual([['LARGE_OUTFLOW', 0, 'URGENT']]);
  });
});

describe('after an exit, the same departure is not told again', () => {
  const suddenExit = byName.get('sudden exit in two steps')!.persona;
  /** A first dormancy stage of 90 days (the HK preset's): by then the emptied account has become the 90-day normal. */
  const context = coreWith((raw) => void (raw.dormancy.stagesDays = [90, 180, 365, 730]));

  it('a silence that reaches the first dormancy stage 90 days after the exit is recorded, not told: the episode lasts while the money is gone', HEAVY, () => {
    const life = live(suddenExit, { context });
    expect(churnTold(life).map(({ on, emission }) => [emission.alert.kind, on])).toEqual([['LARGE_OUTFLOW', dayIndex('2024-06-17')]]);
    const state = life.store.state();
    expect(state.dormancy.stage).toBe(1);
    // the normal before the exit is what "back" is measured against: the 30-day average of about 200,000.00
    expect(state.churn).toMatchObject({ exit: true });
    expect(state.churn!.exitFrom).toBeGreaterThan(czk(150_000));
  });

  it('the money back (at least half the normal before the exit) ends the episode', HEAVY, () => {
    const back = dayIndex('2024-08-01');
    const returns: Persona = (day, ledger, at, money) => {
      const { day: lived, extra } = suddenExit(day, ledger, at, money);
      if (day.index === back) extra.push(ledger.credit(money(150_000), at('11:00'), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '2010' }));
      return { day: day.index >= back ? day : lived, extra };
    };
    const life = live(returns, { context });
    expect(churnTold(life).map(({ emission }) => emission.alert.kind)).toEqual(['LARGE_OUTFLOW']);
    expect(life.store.state().churn).toBeNull();
  });
});

describe('churn decisions are scale-free: every amount × 10 or × 0.1 changes no churn alert', () => {
  it.each(catalogue.map((entry) => entry.name))('%s', (name) => {
    const decisions = (scale: number) => churnTold(lifeOf(name, scale)).map(({ on, emission }) => [emission.alert.kind, on]);
    const base = decisions(1);
    expect(decisions(10)).toEqual(base);
    expect(decisions(0.1)).toEqual(base);
  }, 180_000);
});
