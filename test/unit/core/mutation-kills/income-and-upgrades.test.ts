import { describe, expect, it } from 'vitest';
import { applyTransaction, newCustomerState } from '../../../../src/core/features.ts';
import type { Category } from '../../../../src/domain/transaction.ts';
import { Ledger, MemoryStore, afterCloseOf, calendar, czk, dayNo, pragueWinter, profile, rules, seededState } from '../../../support/core-fixtures.ts';

describe('the income rhythm a salary or pension starts', () => {
  /** The rhythm after these credits (or debits), each on its date. */
  function rhythmAfter(postings: ReadonlyArray<{ on: string; category?: Category; debit?: boolean }>) {
    const state = newCustomerState('c-1', 0, pragueWinter('2024-01-01'));
    const ledger = new Ledger('c-1', { 'a-1': 0 });
    postings.forEach(({ on, category = 'SALARY', debit = false }, offset) => {
      const posting = debit ? ledger.debit(czk(30_000), pragueWinter(on), { category }) : ledger.credit(czk(30_000), pragueWinter(on), { category });
      applyTransaction(state, posting, { partition: 0, offset }, rules, calendar);
    });
    return state.regularIncome;
  }

  it('a first salary starts it; a second a month later makes it a streak of two', () => {
    expect(rhythmAfter([{ on: '2024-01-15' }])).toEqual([dayNo('2024-01-15'), 1]);
    expect(rhythmAfter([{ on: '2024-01-15' }, { on: '2024-02-15' }])).toEqual([dayNo('2024-02-15'), 2]);
  });

  it('a pension counts like a salary; a transfer, or a debit filed as salary, does not', () => {
    expect(rhythmAfter([{ on: '2024-01-15', category: 'PENSION' }])).toEqual([dayNo('2024-01-15'), 1]);
    expect(rhythmAfter([{ on: '2024-01-15', category: 'TRANSFER' }])).toBeNull();
    expect(rhythmAfter([{ on: '2024-01-15', debit: true }])).toBeNull();
  });

  it('an extra within 10 days (a bonus) moves the day but not the streak; 10 to 45 days extends it; a longer gap restarts it', () => {
    expect(rhythmAfter([{ on: '2024-01-15' }, { on: '2024-02-15' }, { on: '2024-02-20' }])).toEqual([dayNo('2024-02-20'), 2]);
    expect(rhythmAfter([{ on: '2024-01-15' }, { on: '2024-01-24' }])).toEqual([dayNo('2024-01-24'), 1]);
    expect(rhythmAfter([{ on: '2024-01-15' }, { on: '2024-01-25' }])).toEqual([dayNo('2024-01-25'), 2]);
    expect(rhythmAfter([{ on: '2024-01-15' }, { on: '2024-02-04' }])).toEqual([dayNo('2024-02-04'), 2]);
    expect(rhythmAfter([{ on: '2024-01-15' }, { on: '2024-02-29' }])).toEqual([dayNo('2024-02-29'), 2]);
    expect(rhythmAfter([{ on: '2024-01-15' }, { on: '2024-03-01' }])).toEqual([dayNo('2024-03-01'), 1]);
  });

  it('semi-monthly pay is a rhythm: each half extends the streak, as a monthly salary does', () => {
    const halves = ['2024-01-05', '2024-01-20', '2024-02-05', '2024-02-20'].map((on) => ({ on }));
    expect(rhythmAfter(halves)).toEqual([dayNo('2024-02-20'), 4]);
  });

  it('a late posting of an earlier income leaves the rhythm as it is', () => {
    expect(rhythmAfter([{ on: '2024-02-15' }, { on: '2024-02-12' }])).toEqual([dayNo('2024-02-15'), 1]);
  });
});

describe('a second, higher upgrade', () => {
  it('is announced when the average goes on to hold a higher tier than the one already told', { timeout: 60_000 }, () => {
    // SILVER, 150,000 since October (a GOLD average); 300,000 more arrives on 12 Jan: the 30-day average reaches
    // PLATINUM's 300,000 fifteen days later and holds it
    const store = new MemoryStore([profile({ servedTier: 'SILVER' })]).seed(
      seededState({ balances: { 'a-1': czk(150_000) }, since: pragueWinter('2023-10-01'), lastActivityAt: pragueWinter('2024-01-05') }),
    );
    const ledger = new Ledger('c-1', { 'a-1': czk(150_000) });
    const upgrades: string[] = [];
    const record = (emissions: ReadonlyArray<{ alert: { kind: string; reason: string } }>) =>
      upgrades.push(...emissions.filter(({ alert }) => alert.kind === 'UPGRADE_ELIGIBLE').map(({ alert }) => alert.reason.split(';')[0]!));
    record(store.feed([ledger.debit(czk(200), pragueWinter('2024-01-08'), { category: 'CARD', channel: 'CARD' })]).flat());
    record(store.advance(afterCloseOf('2024-01-11')));
    record(store.feed([ledger.credit(czk(300_000), pragueWinter('2024-01-12'), { counterpartyKind: 'OTHER_BANK' })]).flat());
    for (let day = dayNo('2024-01-13'); day <= dayNo('2024-02-15'); day += 1) record(store.advance(calendar.startOf(day) + 10 * 3_600_000));
    expect(upgrades).toEqual(['Eligible: GOLD (served SILVER)', 'Eligible, needs approval: PLATINUM (served SILVER)']);
    expect(store.state().upgradeTold).toBe('PLATINUM');
  });
});
