import type { Activity } from './activity.ts';
import type { DayContext } from './day-context.ts';
import type { Draft } from './drafts.ts';
import { HOUR, credit, debit, ownTransfer } from './drafts.ts';
import type { Customer, StandingOrder } from './model.ts';
import { competitorBankCodes, major } from './model.ts';
import type { Random } from './random.ts';

/**
 * The ordinary month of a private customer: income on payday, standing orders, card payments several times a week,
 * an ATM now and then, transfers to people, and the current account kept near its usual level by sweeps to and
 * from savings.
 */
const DAYS_PER_MONTH = 30.4;
const CASH_NOTES = [500, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000, 20_000].map(major);
const FOREIGN_ATM_FEE = major(39);

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
const whole = (amount: number) => Math.max(1, Math.round(amount));
const wholeUnits = (amount: number, unit: number) => Math.max(unit, Math.round(amount / unit) * unit);

const totalBalance = (customer: Customer) => customer.balances.reduce((sum, balance) => sum + Math.max(0, balance), 0);

/**
 * How freely the customer spends: more with more money than usual, less with less. Private customers follow their
 * current account through the month and, more gently, their wealth; a business pays its suppliers out of what it
 * holds. Keeps balances from drifting over long periods.
 */
export function spendingPressure(customer: Customer): number {
  const wealth = customer.typicalBalance > 0 ? totalBalance(customer) / customer.typicalBalance : 1;
  if (customer.business !== null) return clamp(wealth, 0.4, 2.5);
  const usualLevel = customer.currentTarget + (customer.income?.amount ?? 0) / 2;
  const month = usualLevel > 0 ? Math.max(0, customer.balances[0] ?? 0) / usualLevel : 1;
  return clamp(Math.sqrt(month * wealth), 0.5, 2);
}

/** A time on the customer's day (seconds of the UTC day), between two hours. */
export const timeBetween = (random: Random, fromHour: number, toHour: number) => random.int(fromHour * HOUR, toHour * HOUR - 1);

export function planIncome(customer: Customer, context: DayContext, activity: Activity, drafts: Draft[]): void {
  const income = customer.income;
  if (income === null || !activity.income) return;
  const { random } = customer;
  if (income.semiMonthly && context.day === customer.secondPaydayThisMonth) {
    drafts.push(credit({ second: timeBetween(random, 4, 7), account: 0, amount: income.amount - Math.round(income.amount / 2), category: income.category, counterpartyKind: 'NONE', channel: 'OTHER' }));
  }
  if (context.day !== customer.paydayThisMonth) return;
  const second = timeBetween(random, 4, 7); // payroll and pension batches arrive early
  const amount = income.semiMonthly ? Math.round(income.amount / 2) : income.amount;
  drafts.push(credit({ second, account: 0, amount, category: income.category, counterpartyKind: 'NONE', channel: 'OTHER' }));
  // a 13th salary in December for some employees: regular income, not a windfall
  if (income.category === 'SALARY' && context.month === 12 && customer.hasEmployer && random.chance(0.25)) {
    drafts.push(credit({ second, account: 0, amount: wholeUnits(income.amount * random.between(0.5, 1), major(1)), category: 'SALARY', counterpartyKind: 'NONE', channel: 'OTHER' }));
  }
}

function planStandingOrder(order: StandingOrder | null, customer: Customer, context: DayContext, drafts: Draft[]): void {
  if (order === null || !context.orderNominals.includes(order.dayOfMonth)) return;
  drafts.push(
    debit({
      second: timeBetween(customer.random, 2, 5),
      account: 0,
      amount: order.amount,
      category: order.category,
      counterpartyKind: order.counterpartyKind,
      bankCode: order.bankCode,
      channel: 'OTHER',
    }),
  );
}

export function planStandingOrders(customer: Customer, context: DayContext, activity: Activity, drafts: Draft[]): void {
  if (!activity.standingOrders) return;
  planStandingOrder(customer.housing, customer, context, drafts);
  planStandingOrder(customer.utilities, customer, context, drafts);
}

export function planSpending(customer: Customer, context: DayContext, activity: Activity, drafts: Draft[]): void {
  if (activity.intensity <= 0) return;
  const { random, spending } = customer;
  const pressure = spendingPressure(customer) * activity.amountFactor;
  const cardPayments = random.poisson((spending.cardPerMonth / DAYS_PER_MONTH) * context.spendingFactor * activity.intensity);
  for (let payment = 0; payment < cardPayments; payment += 1) {
    drafts.push(
      debit({
        second: timeBetween(random, 7, 21),
        account: 0,
        amount: whole(random.logNormalWithMean(spending.cardMean * pressure, 0.9)),
        category: 'CARD',
        counterpartyKind: 'NONE',
        channel: 'CARD',
      }),
    );
  }
  const withdrawals = random.poisson((spending.cashPerMonth / DAYS_PER_MONTH) * activity.intensity);
  for (let withdrawal = 0; withdrawal < withdrawals; withdrawal += 1) {
    const wanted = random.logNormalWithMean(spending.cashMean * pressure, 0.5);
    const amount = CASH_NOTES.reduce((best, note) => (Math.abs(note - wanted) < Math.abs(best - wanted) ? note : best));
    const second = timeBetween(random, 7, 20);
    drafts.push(debit({ second, account: 0, amount, category: 'CASH', counterpartyKind: 'CASH', channel: 'ATM' }));
    if (random.chance(0.2)) {
      drafts.push(debit({ second: second + 1, account: 0, amount: FOREIGN_ATM_FEE, category: 'FEE', counterpartyKind: 'NONE', channel: 'SYSTEM', initiatedBy: 'SYSTEM', funds: 'force' }));
    }
  }
  const transfers = random.poisson((spending.transfersPerMonth / DAYS_PER_MONTH) * activity.intensity);
  for (let transfer = 0; transfer < transfers; transfer += 1) {
    const toThisBank = random.chance(0.45);
    drafts.push(
      debit({
        second: timeBetween(random, 7, 21),
        account: 0,
        amount: wholeUnits(random.logNormalWithMean(spending.transferMean * pressure, 0.8), major(1)),
        category: 'TRANSFER',
        counterpartyKind: toThisBank ? 'SAME_BANK_CUSTOMER' : 'OTHER_BANK',
        bankCode: toThisBank ? null : random.pick(competitorBankCodes),
        channel: random.chance(customer.spending.branchShare) ? 'BRANCH' : random.chance(0.6) ? 'MOBILE' : 'ONLINE',
      }),
    );
  }
}

/** The day the month's surplus is swept: two days after payday, or the 3rd for customers without a payday. */
const isSweepDay = (customer: Customer, context: DayContext) =>
  customer.paydayThisMonth >= 0 ? context.day === customer.paydayThisMonth + 2 : context.dayOfMonth === 3;

/**
 * Above its usual level plus a month's income, the current account's surplus goes to savings (or, once the
 * customer is leaking, to the competitor); far below its usual level, savings refill it.
 */
export function planSweeps(customer: Customer, context: DayContext, activity: Activity, drafts: Draft[]): void {
  const { balances, random, currentTarget } = customer;
  if (balances.length < 2) return;
  const current = balances[0] ?? 0;
  if (isSweepDay(customer, context) && activity.surplusTo !== 'stays') {
    const ceiling = customer.income === null ? currentTarget * 1.3 : currentTarget + customer.income.amount;
    const surplus = Math.floor((current - ceiling) / major(100)) * major(100);
    if (surplus >= major(1_000)) {
      const second = timeBetween(random, 8, 20);
      if (activity.surplusTo === 'savings') {
        const to = balances.length > 2 && random.chance(0.3) ? 2 : 1;
        drafts.push(ownTransfer({ second, from: 0, to, amount: surplus, channel: 'ONLINE', funds: 'cap' }));
      } else {
        drafts.push(
          debit({ second, account: 0, amount: surplus, category: 'TRANSFER', counterpartyKind: 'OTHER_BANK', bankCode: customer.otherBankCode, channel: 'ONLINE', funds: 'cap' }),
        );
      }
    }
  }
  if (activity.topUps && current < currentTarget * 0.25) {
    const from = (balances[1] ?? 0) > 0 ? 1 : 2;
    const available = balances[from] ?? 0;
    const amount = Math.min(available, Math.ceil((currentTarget - current) / major(100)) * major(100));
    if (amount > 0) drafts.push(ownTransfer({ second: timeBetween(random, 8, 20), from, to: 0, amount, channel: 'MOBILE', funds: 'cap' }));
  }
}
