import type { Persona } from './personas.ts';
import { dayIndex } from './personas.ts';

/**
 * The personas and traps as deterministic lives (test/support/personas.ts): each starts from four months of
 * the same everyday life, then changes on a fixed day. `end` is the day the relationship ended (money gone or the
 * last customer-initiated posting) for leavers, `date` the trap's day for traps.
 */
export interface CataloguedPersona {
  name: string;
  kind: 'steady' | 'gradual' | 'sudden' | 'trap';
  persona: Persona;
  /** Leavers: the day index the relationship ended. Traps: the trap's day index. */
  day: number | null;
}

const MAY_1 = dayIndex('2024-05-01');
const JUN_15 = dayIndex('2024-06-15');
const JUN_30 = dayIndex('2024-06-30');
const AUG_15 = dayIndex('2024-08-15');
const AUG_20 = dayIndex('2024-08-20');
const AUG_31 = dayIndex('2024-08-31');

/** Leak with the salary refilling: every 9 days from May, 12% of the balance to a broker; on 15 Aug the rest goes. */
const leakRefilled: Persona = (day, ledger, at) => {
  const extra = [];
  if (day.index >= MAY_1 && day.index < AUG_15 && (day.index - MAY_1) % 9 === 0) {
    extra.push(ledger.debit(Math.round(ledger.balance() * 0.12), at('19:00'), { counterpartyKind: 'INVESTMENT_PLATFORM' }));
  }
  if (day.index === AUG_15) extra.push(ledger.debit(Math.round(ledger.balance() * 0.97), at('19:00'), { counterpartyKind: 'INVESTMENT_PLATFORM' }));
  return { day: { ...day, everyday: day.index <= AUG_15, salary: day.index < AUG_15 }, extra };
};

/**
 * Leak in monthly chunks: on the 20th of May, June and July a third of the balance to another bank, the salary and
 * everyday life going on; on 20 Aug the rest goes. Each 30 days hold one chunk, its largest day.
 */
const leakInChunks: Persona = (day, ledger, at) => {
  const chunk = [dayIndex('2024-05-20'), dayIndex('2024-06-20'), dayIndex('2024-07-20')].includes(day.index);
  const extra = [];
  if (chunk) extra.push(ledger.debit(Math.round(ledger.balance() * 0.33), at('19:00'), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '2010' }));
  if (day.index === AUG_20) extra.push(ledger.debit(Math.round(ledger.balance() * 0.95), at('19:00'), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '2010' }));
  return { day: { ...day, everyday: day.index <= AUG_20, salary: day.index < AUG_20 }, extra };
};

/** Payroll moved: no salary after April; everyday spending goes on from the balance until 30 Jun, then nothing. */
const payrollMoved: Persona = (day) => ({ day: { ...day, salary: day.index < MAY_1, everyday: day.index <= JUN_30 }, extra: [] });

/** Slow fade: from May, a day's everyday postings happen on fewer and fewer days, none after 31 Aug. */
const slowFade: Persona = (day) => {
  if (day.index < MAY_1) return { day, extra: [] };
  const left = Math.max(0, (AUG_31 - day.index) / (AUG_31 - MAY_1));
  // deterministic thinning: keep a day when its spread position falls under the share left
  const kept = ((day.index * 7919) % 100) / 100 < left;
  return { day: { ...day, everyday: kept && day.index <= AUG_31, salary: day.index < JUN_30 }, extra: [] };
};

/** Small-balance exit: 95% of the balance to another bank in one transfer; nothing after. */
const smallBalanceExit: Persona = (day, ledger, at) => ({
  day: { ...day, everyday: day.index < JUN_15, salary: day.index < JUN_15 },
  extra: day.index === JUN_15 ? [ledger.debit(Math.round(ledger.balance() * 0.95), at('11:00'), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '2010' })] : [],
});

/** Sudden exit in two steps: 60% to another bank on 15 Jun, most of the rest on 17 Jun. */
const suddenExit: Persona = (day, ledger, at) => {
  const extra = [];
  if (day.index === JUN_15) extra.push(ledger.debit(Math.round(ledger.balance() * 0.6), at('11:00'), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '2010' }));
  if (day.index === JUN_15 + 2) extra.push(ledger.debit(Math.round(ledger.balance() * 0.85), at('11:00'), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '2010' }));
  return { day: { ...day, everyday: day.index < JUN_15, salary: day.index < JUN_15 }, extra };
};

/** House down payment: 70% of the balance to another bank once; salary and everyday life go on. */
const houseDownPayment: Persona = (day, ledger, at) => ({
  day,
  extra: day.index === JUN_15 ? [ledger.debit(Math.round(ledger.balance() * 0.7), at('11:00'), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0600' })] : [],
});

/** One-day spike: 300,000 (scaled) arrives from another bank and leaves again the next day. */
const oneDaySpike: Persona = (day, ledger, at, money) => {
  const extra = [];
  if (day.index === JUN_15) extra.push(ledger.credit(money(300_000), at('11:00'), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0600' }));
  if (day.index === JUN_15 + 1) extra.push(ledger.debit(money(300_000), at('11:00'), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0600' }));
  return { day, extra };
};

/** Annual tax: a large payment to the tax office (at the central bank) in March. */
const annualTax: Persona = (day, ledger, at, money) => ({
  day,
  extra: day.index === dayIndex('2024-03-25') ? [ledger.debit(money(90_000), at('11:00'), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0710' })] : [],
});

/** Holiday: three weeks of card and cash spending at three times the usual pace, then back to normal. */
const holiday: Persona = (day, ledger, at, money) => {
  const away = day.index >= JUN_15 && day.index < JUN_15 + 21;
  return {
    day,
    extra: away
      ? [
          ledger.debit(money(2_400), at('13:00'), { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' }),
          ...(day.index % 3 === 0 ? [ledger.debit(money(4_000), at('15:00'), { category: 'CASH', channel: 'ATM', counterpartyKind: 'CASH' })] : []),
        ]
      : [],
  };
};

export const catalogue: CataloguedPersona[] = [
  { name: 'steady', kind: 'steady', persona: (day) => ({ day, extra: [] }), day: null },
  { name: 'leak with the salary refilling', kind: 'gradual', persona: leakRefilled, day: AUG_15 },
  { name: 'leak in monthly chunks', kind: 'gradual', persona: leakInChunks, day: AUG_20 },
  { name: 'payroll moved, money left behind', kind: 'gradual', persona: payrollMoved, day: JUN_30 },
  { name: 'slow fade', kind: 'gradual', persona: slowFade, day: AUG_31 },
  { name: 'small-balance exit', kind: 'sudden', persona: smallBalanceExit, day: JUN_15 },
  { name: 'sudden exit in two steps', kind: 'sudden', persona: suddenExit, day: JUN_15 + 2 },
  { name: 'house down payment', kind: 'trap', persona: houseDownPayment, day: JUN_15 },
  { name: 'one-day spike', kind: 'trap', persona: oneDaySpike, day: JUN_15 },
  { name: 'annual tax payment', kind: 'trap', persona: annualTax, day: dayIndex('2024-03-25') },
  { name: 'holiday spending', kind: 'trap', persona: holiday, day: JUN_15 },
];
