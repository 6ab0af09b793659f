import type { Activity } from './activity.ts';
import type { DayContext } from './day-context.ts';
import type { Draft } from './drafts.ts';
import { credit, debit } from './drafts.ts';
import { timeBetween } from './everyday.ts';
import type { Customer } from './model.ts';
import { competitorBankCodes, major } from './model.ts';

const DAYS_PER_YEAR = 365;
const DAYS_PER_MONTH = 30.4;
/** A car, a kitchen, a deposit on a flat: large money out that is not churn. */
const LARGE_PURCHASES_PER_YEAR = 0.04;
const GIFTS_PER_YEAR = 0.3;

const roundTo = (amount: number, unit: number) => Math.max(unit, Math.round(amount / unit) * unit);

/**
 * The multi-banker's month: part of the salary goes to their account at another bank a few days after payday,
 * and some comes back now and then. Ordinary leakage that must not look like churn to a good detector.
 */
export function planMultiBanking(customer: Customer, context: DayContext, activity: Activity, drafts: Draft[]): void {
  const multiBanking = customer.multiBanking;
  const income = customer.income;
  if (multiBanking === null || income === null || !activity.personaFlows) return;
  const { random } = customer;
  if (customer.paydayThisMonth >= 0 && context.day === customer.paydayThisMonth + multiBanking.daysAfterPayday) {
    drafts.push(
      debit({ second: timeBetween(random, 7, 21), account: 0, amount: roundTo(income.amount * multiBanking.shareOfIncome, major(100)), category: 'TRANSFER', counterpartyKind: 'OTHER_BANK', bankCode: customer.otherBankCode, channel: 'MOBILE', funds: 'cap' }),
    );
  }
  if (random.chance(multiBanking.returnChance / DAYS_PER_MONTH)) {
    drafts.push(
      credit({ second: timeBetween(random, 7, 21), account: 0, amount: roundTo(income.amount * random.between(0.1, 0.5), major(100)), category: 'TRANSFER', counterpartyKind: 'OTHER_BANK', bankCode: customer.otherBankCode, channel: 'OTHER' }),
    );
  }
}

/** Delivers a posting to another customer of the bank (the receiving leg of a transfer between customers). */
export type DeliverTo = (payee: number, draft: Draft) => void;

/** A monthly contribution to another member of the household, who banks here too: both sides are postings. */
export function planHouseholdContribution(customer: Customer, context: DayContext, activity: Activity, payeeActive: (payee: number) => boolean, drafts: Draft[], deliver: DeliverTo): void {
  const contribution = customer.contribution;
  if (contribution === null || !activity.personaFlows || customer.paydayThisMonth < 0) return;
  if (context.day !== customer.paydayThisMonth + contribution.daysAfterPayday || !payeeActive(contribution.payee)) return;
  // only what the account surely covers: the payee's credit is posted whatever happens on the payer's side
  if ((customer.balances[0] ?? 0) < contribution.amount * 3) return;
  const second = timeBetween(customer.random, 7, 21);
  const leg = { second, account: 0, amount: contribution.amount, category: 'TRANSFER', counterpartyKind: 'SAME_BANK_CUSTOMER', channel: 'MOBILE' } as const;
  drafts.push(debit({ ...leg, funds: 'force' }));
  deliver(contribution.payee, credit(leg));
}

/** Rare events of any customer's life: a large purchase paid by transfer, a gift from family. */
export function planLifeEvents(customer: Customer, activity: Activity, drafts: Draft[]): void {
  if (!activity.customerActive || activity.intensity < 0.5) return;
  const { random } = customer;
  // a large purchase needs an income behind it: a customer whose income has gone makes none (no sharp drop)
  if (random.chance(LARGE_PURCHASES_PER_YEAR / DAYS_PER_YEAR) && activity.income) {
    const elsewhere = random.chance(0.7);
    drafts.push(
      debit({
        second: timeBetween(random, 9, 18),
        account: 0,
        amount: roundTo(Math.max(major(50_000), customer.typicalBalance * random.between(0.2, 0.6)), major(1_000)),
        category: 'TRANSFER',
        counterpartyKind: elsewhere ? 'OTHER_BANK' : 'SAME_BANK_CUSTOMER',
        bankCode: elsewhere ? random.pick(competitorBankCodes) : null,
        channel: 'ONLINE',
        funds: 'cap',
        drawOnSavings: true,
      }),
    );
  }
  if (random.chance(GIFTS_PER_YEAR / DAYS_PER_YEAR)) {
    const elsewhere = random.chance(0.5);
    drafts.push(
      credit({
        second: timeBetween(random, 8, 20),
        account: 0,
        amount: roundTo(random.between(5_000, 60_000) * 100, major(100)),
        category: 'TRANSFER',
        counterpartyKind: elsewhere ? 'OTHER_BANK' : 'SAME_BANK_CUSTOMER',
        bankCode: elsewhere ? random.pick(competitorBankCodes) : null,
        channel: 'OTHER',
      }),
    );
  }
}
