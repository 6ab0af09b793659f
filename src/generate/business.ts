import type { Activity } from './activity.ts';
import type { DayContext } from './day-context.ts';
import type { Draft } from './drafts.ts';
import { credit, debit } from './drafts.ts';
import { spendingPressure, timeBetween } from './everyday.ts';
import type { Customer } from './model.ts';
import { competitorBankCodes, major, taxOfficeBankCode } from './model.ts';

const WORKING_DAYS_PER_MONTH = 21.7;
const TAX_MONTHS = [1, 4, 7, 10];
const TAX_DAY_OF_MONTH = 25;

const wholeUnits = (amount: number) => Math.max(major(1), Math.round(amount / major(1)) * major(1));

/** A partner of the business: at another bank more often than at this one. */
function partner(customer: Customer, shareAtOtherBanks: number) {
  const elsewhere = customer.random.chance(shareAtOtherBanks);
  return elsewhere
    ? ({ counterpartyKind: 'OTHER_BANK', bankCode: customer.random.pick(competitorBankCodes) } as const)
    : ({ counterpartyKind: 'SAME_BANK_CUSTOMER', bankCode: null } as const);
}

/**
 * A business owner's working days: customers paying invoices, suppliers being paid, staff wages once a month and
 * VAT/income tax every quarter. Large amounts both ways, with other banks and with this bank's customers.
 */
export function planBusiness(customer: Customer, context: DayContext, activity: Activity, drafts: Draft[]): void {
  const business = customer.business;
  if (business === null || !context.isWorkingDay) return;
  const { random } = customer;
  if (activity.income) {
    const invoicesPaid = random.poisson(business.inflowsPerMonth / WORKING_DAYS_PER_MONTH);
    for (let invoice = 0; invoice < invoicesPaid; invoice += 1) {
      drafts.push(credit({ second: timeBetween(random, 6, 18), account: 0, amount: wholeUnits(random.logNormalWithMean(business.inflowMean, 0.8)), category: 'TRANSFER', channel: 'OTHER', ...partner(customer, 0.65) }));
    }
  }
  if (!activity.personaFlows) return;
  const pressure = spendingPressure(customer);
  const bills = random.poisson((business.paymentsPerMonth / WORKING_DAYS_PER_MONTH) * activity.intensity);
  for (let bill = 0; bill < bills; bill += 1) {
    drafts.push(debit({ second: timeBetween(random, 8, 18), account: 0, amount: wholeUnits(random.logNormalWithMean(business.paymentMean * pressure, 0.9)), category: 'TRANSFER', channel: 'ONLINE', ...partner(customer, 0.6) }));
  }
  if (context.paydayNominals.includes(business.payrollDayOfMonth)) {
    const second = timeBetween(random, 8, 12);
    for (let employee = 0; employee < business.employees; employee += 1) {
      drafts.push(debit({ second: second + employee, account: 0, amount: wholeUnits(business.wageMean * random.between(0.7, 1.3)), category: 'TRANSFER', channel: 'ONLINE', funds: 'cap', drawOnSavings: true, ...partner(customer, 0.6) }));
    }
  }
  if (TAX_MONTHS.includes(context.month) && context.orderNominals.includes(TAX_DAY_OF_MONTH)) {
    drafts.push(
      debit({ second: timeBetween(random, 8, 16), account: 0, amount: business.quarterlyTax, category: 'TRANSFER', counterpartyKind: 'OTHER_BANK', bankCode: taxOfficeBankCode, channel: 'ONLINE', funds: 'cap', drawOnSavings: true }),
    );
  }
}
