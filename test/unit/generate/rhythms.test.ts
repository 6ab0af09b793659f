import { beforeAll, describe, expect, it } from 'vitest';
import type { Transaction } from '../../../src/domain/transaction.ts';
import type { Customer, Persona } from '../../../src/generate/model.ts';
import { DAY, generateInMemory, smallBank, totalBalanceBefore } from './bank-fixture.ts';
import type { GeneratedInMemory } from './bank-fixture.ts';

const monthOf = (instant: number) => new Date(instant).toISOString().slice(0, 7);
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** The day a customer's label stops their income (a churner's income stops at the latest on its end), null if none does. */
function incomeStopOf(customer: Customer): number | null {
  const plan = customer.plan;
  if (plan === null) return null;
  switch (plan.pattern) {
    case 'payroll_moved':
    case 'sudden_exit':
    case 'small_balance_exit':
    case 'going_dormant':
      return plan.day;
    case 'slow_fade':
      return plan.incomeEndDay;
    case 'leak_refilled':
      return plan.endDay + 1;
    default:
      return null;
  }
}

/** The months of the period a customer's income should arrive in: all of them, up to a label that stops it. */
function monthsWithIncome(customer: Customer, generated: GeneratedInMemory): string[] {
  const { startDay, endDay } = generated.bank.period;
  const stop = incomeStopOf(customer);
  const stopsIncome = stop !== null;
  const until = stop ?? endDay;
  const months = new Set<string>();
  // only whole months before the stop: a payday later in the stop's month may rightly be missing
  for (let day = startDay; day < until; day += 1) months.add(monthOf(day * DAY));
  months.delete(monthOf((until - 1) * DAY));
  if (!stopsIncome) months.add(monthOf((endDay - 1) * DAY));
  return [...months];
}

// real work (generates a whole bank in memory): sized for a loaded 2-core CI machine, not vitest's 5 s
describe('persona rhythms', { timeout: 120_000 }, () => {
  let generated: GeneratedInMemory;
  const of = (persona: Persona) => generated.customers.filter((customer) => customer.persona === persona);
  const postingsOf = (customer: Customer): Transaction[] => generated.byCustomer.get(customer.id) ?? [];

  beforeAll(() => {
    generated = generateInMemory(smallBank({ customers: 600, months: 12 }));
  }, 120_000);

  it('has every persona', () => {
    for (const persona of ['salaried', 'pensioner', 'saver', 'business_owner', 'multi_banker'] as const) expect(of(persona).length, persona).toBeGreaterThan(20);
  });

  it('pays a pensioner a PENSION every month until a label stops it', () => {
    for (const pensioner of of('pensioner')) {
      const paid = new Set(postingsOf(pensioner).filter((posting) => posting.category === 'PENSION' && posting.direction === 'CREDIT').map((posting) => monthOf(posting.eventTime)));
      for (const month of monthsWithIncome(pensioner, generated)) expect(paid.has(month), `${pensioner.id} in ${month}`).toBe(true);
    }
  });

  it('pays a salaried customer a SALARY once a month, on a working day within a day or two of the same date', () => {
    for (const employee of of('salaried')) {
      const salaries = postingsOf(employee).filter((posting) => posting.category === 'SALARY');
      const months = monthsWithIncome(employee, generated);
      for (const month of months) expect(salaries.some((salary) => monthOf(salary.eventTime) === month), `${employee.id} in ${month}`).toBe(true);
      const daysOfMonth = salaries.map((salary) => new Date(salary.eventTime).getUTCDate());
      expect(Math.max(...daysOfMonth) - Math.min(...daysOfMonth), employee.id).toBeLessThanOrEqual(4);
      expect(salaries.every((salary) => ![0, 6].includes(new Date(salary.eventTime).getUTCDay()))).toBe(true);
      expect(salaries.every((salary) => salary.counterpartyKind === 'NONE')).toBe(true);
    }
  });

  it('has salaried customers pay by card several times a week, pensioners less often and in cash more', () => {
    const weeks = (generated.bank.period.endDay - generated.bank.period.startDay) / 7;
    const perWeek = (customer: Customer, category: string) => postingsOf(customer).filter((posting) => posting.category === category).length / weeks;
    const unlabelled = (persona: Persona) => of(persona).filter((customer) => customer.plan === null);
    const salariedCard = median(unlabelled('salaried').map((customer) => perWeek(customer, 'CARD')));
    const pensionerCard = median(unlabelled('pensioner').map((customer) => perWeek(customer, 'CARD')));
    expect(salariedCard).toBeGreaterThanOrEqual(2.5);
    expect(pensionerCard).toBeLessThan(salariedCard / 2);
    expect(median(unlabelled('pensioner').map((customer) => perWeek(customer, 'CASH')))).toBeGreaterThan(median(unlabelled('salaried').map((customer) => perWeek(customer, 'CASH'))));
  });

  it('charges a fee every month for every customer, and credits interest every month that starts with money, as SYSTEM postings', () => {
    const monthStarts = [...new Set(generated.transactions.map((transaction) => monthOf(transaction.eventTime)))].map((month) => Date.parse(`${month}-01T00:00:00Z`));
    for (const customer of generated.customers) {
      const postings = postingsOf(customer);
      const systemMonths = (category: string) =>
        new Set(postings.filter((posting) => posting.category === category && posting.initiatedBy === 'SYSTEM').map((posting) => monthOf(posting.eventTime)));
      const feeMonths = systemMonths('FEE');
      const interestMonths = systemMonths('INTEREST');
      for (const monthStart of monthStarts) {
        expect(feeMonths.has(monthOf(monthStart)), `${customer.id} fee in ${monthOf(monthStart)}`).toBe(true);
        const inCredit = totalBalanceBefore(postings, monthStart + 3_600_000) > 0;
        expect(interestMonths.has(monthOf(monthStart)), `${customer.id} interest in ${monthOf(monthStart)}`).toBe(inCredit);
      }
    }
  });

  it('gives savers investment and deposit postings, and business owners many large transfers both ways', () => {
    const saverCategories = new Set<string>(of('saver').flatMap((customer) => postingsOf(customer).map((posting) => posting.category)));
    for (const category of ['INVESTMENT_SUBSCRIPTION', 'INVESTMENT_REDEMPTION', 'DEPOSIT_MATURITY']) expect(saverCategories.has(category), category).toBe(true);
    const transfersPerMonth = (customer: Customer) => postingsOf(customer).filter((posting) => posting.category === 'TRANSFER' && posting.counterpartyKind !== 'OWN_ACCOUNT').length / 12;
    expect(median(of('business_owner').map(transfersPerMonth))).toBeGreaterThan(4 * median(of('salaried').map(transfersPerMonth)));
    const businessIn = of('business_owner').flatMap((customer) =>
      postingsOf(customer).filter((posting) => posting.direction === 'CREDIT' && posting.category === 'TRANSFER' && posting.counterpartyKind !== 'OWN_ACCOUNT'),
    );
    expect(new Set(businessIn.map((posting) => posting.counterpartyKind))).toEqual(new Set(['OTHER_BANK', 'SAME_BANK_CUSTOMER']));
  });

  it('has unlabelled multi-bankers send money to another bank every month: ordinary leakage, not churn', () => {
    const regular = of('multi_banker').filter((customer) => {
      if (customer.plan !== null) return false;
      const months = new Set(postingsOf(customer).filter((posting) => posting.direction === 'DEBIT' && posting.counterpartyKind === 'OTHER_BANK' && posting.counterpartyBankCode === customer.otherBankCode).map((posting) => monthOf(posting.eventTime)));
      return months.size >= 11;
    });
    expect(regular.length).toBeGreaterThan(of('multi_banker').filter((customer) => customer.plan === null).length * 0.8);
  });

  it('moves money between own accounts for customers with savings, and keeps balances near their level over the year', () => {
    const ratios = generated.customers
      .filter((customer) => customer.plan === null)
      .map((customer) => customer.balances.reduce((sum, balance) => sum + balance, 0) / customer.typicalBalance);
    expect(median(ratios)).toBeGreaterThan(0.8);
    expect(median(ratios)).toBeLessThan(1.4);
  });

  it('shares households between customers, with contributions from one member to another', () => {
    const households = new Map<string, number>();
    for (const customer of generated.customers) households.set(customer.profile.householdId ?? '', (households.get(customer.profile.householdId ?? '') ?? 0) + 1);
    const shared = [...households.values()].filter((size) => size > 1).reduce((sum, size) => sum + size, 0);
    expect(shared / generated.customers.length).toBeGreaterThan(0.15);
    expect(shared / generated.customers.length).toBeLessThan(0.45);
    expect(generated.transactions.some((transaction) => transaction.counterpartyKind === 'SAME_BANK_CUSTOMER' && transaction.direction === 'CREDIT')).toBe(true);
  });
});
