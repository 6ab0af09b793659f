import type { CoreContext } from '../../src/core/processor.ts';
import type { Emission } from '../../src/core/state.ts';
import type { Transaction } from '../../src/domain/transaction.ts';
import { DAY, Ledger, MemoryStore, core, czk, pragueWinter, profile } from './core-fixtures.ts';

/**
 * A customer's life, day by day, through the real core: a salaried customer (salary on the 10th from an employer at
 * another bank, rent on the 1st to a landlord at another bank, card payments four times a week, cash twice a month)
 * and a persona's change on top. Every amount is `scale` times the base, so the same life can be lived by a saver
 * and a private client; the churn decisions must not depend on it.
 */
export const LIFE_START = '2024-01-01';
export const LIFE_DAYS = 274; // to 30 Sep 2024

export interface Day {
  /** Days since LIFE_START (0 = 1 Jan 2024). */
  index: number;
  /** Day of the month, 1-31. */
  dayOfMonth: number;
  /** What the customer's everyday life posts that day, unless the persona says otherwise. */
  everyday: boolean;
  salary: boolean;
}

export type Persona = (day: Day, ledger: Ledger, at: (time?: string) => number, money: (amount: number) => number) => { day: Day; extra: Transaction[] };

export interface Life {
  /** RM-feed emissions with the business day (index) they came on. */
  told: Array<{ on: number; emission: Emission }>;
  risk: Array<{ on: number; emission: Emission }>;
  store: MemoryStore;
}

const isoOf = (index: number) => new Date(Date.parse(`${LIFE_START}T00:00:00Z`) + index * DAY).toISOString().slice(0, 10);

export function live(persona: Persona, options: { scale?: number; context?: CoreContext; opening?: number } = {}): Life {
  const scale = options.scale ?? 1;
  const money = (amount: number) => czk(amount) * scale;
  const opening = money(options.opening ?? 200_000);
  const store = new MemoryStore([profile({ servedTier: 'SILVER', rmId: 'rm-1' })], options.context ?? core);
  const ledger = new Ledger('c-1', { 'a-1': opening });
  const told: Life['told'] = [];
  const risk: Life['risk'] = [];
  const keep = (on: number, emissions: readonly Emission[]) => {
    for (const emission of emissions) {
      if (emission.feeds.includes('rm')) told.push({ on, emission });
      if (emission.feeds.includes('risk')) risk.push({ on, emission });
    }
  };
  for (let index = 0; index < LIFE_DAYS; index += 1) {
    const iso = isoOf(index);
    const at = (time = '10:00') => pragueWinter(iso, time);
    keep(index, store.advance(at('06:00')));
    const dayOfMonth = Number(iso.slice(8, 10));
    const { day, extra } = persona({ index, dayOfMonth, everyday: true, salary: true }, ledger, at, money);
    const postings: Transaction[] = [];
    if (day.salary && dayOfMonth === 10) {
      postings.push(ledger.credit(money(40_000), at('07:00'), { category: 'SALARY', counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0300', initiatedBy: 'SYSTEM', channel: 'SYSTEM' }));
    }
    if (day.everyday) {
      if (dayOfMonth === 1) postings.push(ledger.debit(money(12_000), at('08:00'), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0800' }));
      if (index % 7 < 4) postings.push(ledger.debit(money(1_200), at('12:00'), { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' }));
      if (dayOfMonth === 5 || dayOfMonth === 20) postings.push(ledger.debit(money(3_000), at('17:00'), { category: 'CASH', channel: 'ATM', counterpartyKind: 'CASH' }));
    }
    postings.push(...extra);
    postings.sort((left, right) => left.eventTime - right.eventTime);
    for (const emissions of store.feed(postings)) keep(index, emissions);
  }
  return { told, risk, store };
}

/** The day index of an ISO date in the life. */
export const dayIndex = (iso: string) => Math.round((Date.parse(`${iso}T00:00:00Z`) - Date.parse(`${LIFE_START}T00:00:00Z`)) / DAY);

/** RM churn kinds: what the figures count as an RM churn alert. */
export const RM_CHURN_KINDS = ['CHURN_RISK', 'LARGE_OUTFLOW', 'CUMULATIVE_OUTFLOW', 'DORMANCY', 'DOWNGRADE_RISK'];

export const churnTold = (life: Life) => life.told.filter(({ emission }) => RM_CHURN_KINDS.includes(emission.alert.kind));

/** The steady life, unchanged. */
export const steady: Persona = (day) => ({ day, extra: [] });
