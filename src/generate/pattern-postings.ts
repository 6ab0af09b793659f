import type { DayContext } from './day-context.ts';
import type { Draft } from './drafts.ts';
import { credit, debit } from './drafts.ts';
import { timeBetween } from './everyday.ts';
import type { Customer } from './model.ts';
import { competitorBankCodes } from './model.ts';
import type { PatternPlan } from './patterns.ts';

type Plan<P extends PatternPlan['pattern']> = Extract<PatternPlan, { pattern: P }>;

const totalBalance = (customer: Customer) => customer.balances.reduce((sum, balance) => sum + Math.max(0, balance), 0);

/** Leakage grows: the i-th of n transfers carries (i + 1) parts of n(n + 1)/2, spread evenly over the duration. */
function planLeakage(customer: Customer, plan: Plan<'gradual_leakage'>, context: DayContext, drafts: Draft[]): void {
  if (context.day === plan.day) plan.total = Math.round(totalBalance(customer) * plan.share);
  const parts = (plan.transfers * (plan.transfers + 1)) / 2;
  for (let transfer = 0; transfer < plan.transfers; transfer += 1) {
    if (plan.day + Math.round((transfer * plan.durationDays) / (plan.transfers - 1)) !== context.day) continue;
    const toBank = plan.destination === 'OTHER_BANK';
    drafts.push(
      debit({
        second: timeBetween(customer.random, 8, 20),
        account: 0,
        amount: Math.round((plan.total * (transfer + 1)) / parts),
        category: toBank ? 'TRANSFER' : 'INVESTMENT_SUBSCRIPTION',
        counterpartyKind: plan.destination,
        bankCode: toBank ? customer.otherBankCode : null,
        channel: 'ONLINE',
        funds: 'cap',
        drawOnSavings: true,
      }),
    );
  }
}

/** Near everything to another bank in one transfer, or two a few days apart. */
function planExit(customer: Customer, plan: Plan<'sudden_exit'>, context: DayContext, drafts: Draft[]): void {
  if (context.day === plan.day) plan.total = Math.round(totalBalance(customer) * plan.share);
  const first = Math.round(plan.total * plan.firstShare);
  const amount = context.day === plan.day ? first : context.day === plan.secondDay ? plan.total - first : 0;
  if (amount <= 0) return;
  drafts.push(
    debit({
      second: timeBetween(customer.random, 9, 12),
      account: 0,
      amount,
      category: 'TRANSFER',
      counterpartyKind: 'OTHER_BANK',
      bankCode: customer.otherBankCode,
      channel: customer.random.chance(0.3) ? 'BRANCH' : 'ONLINE',
      funds: 'cap',
      drawOnSavings: true,
    }),
  );
}

/** Once the salary goes elsewhere, some customers follow it with their savings a month or so later. */
function planSavingsFollowPayroll(customer: Customer, plan: Plan<'payroll_moved'>, context: DayContext, drafts: Draft[]): void {
  if (context.day !== plan.savingsExitDay) return;
  const second = timeBetween(customer.random, 9, 18);
  for (let account = 1; account < customer.balances.length; account += 1) {
    const amount = Math.round(Math.max(0, customer.balances[account] ?? 0) * plan.savingsExitShare);
    if (amount <= 0) continue;
    drafts.push(
      debit({ second, account, amount, category: 'TRANSFER', counterpartyKind: 'OTHER_BANK', bankCode: customer.otherBankCode, channel: 'ONLINE', funds: 'cap' }),
    );
  }
}

/** The postings that make a labelled customer's pattern, on and after its date. */
export function planPatternPostings(customer: Customer, context: DayContext, drafts: Draft[]): void {
  const plan = customer.plan;
  if (plan === null || context.day < plan.day) return;
  const { random } = customer;
  switch (plan.pattern) {
    case 'gradual_leakage':
      return planLeakage(customer, plan, context, drafts);
    case 'sudden_exit':
      return planExit(customer, plan, context, drafts);
    case 'payroll_moved':
      return planSavingsFollowPayroll(customer, plan, context, drafts);
    case 'going_dormant':
      return;
    case 'inheritance':
      if (context.day === plan.day) {
        const fromOtherBank = plan.counterpartyKind === 'OTHER_BANK';
        drafts.push(
          credit({ second: timeBetween(random, 9, 16), account: 0, amount: plan.amount, category: 'TRANSFER', counterpartyKind: plan.counterpartyKind, bankCode: fromOtherBank ? random.pick(competitorBankCodes) : null, channel: 'OTHER' }),
        );
      }
      return;
    case 'bonus':
      // paid by the employer's payroll like the salary, but as a transfer: not regular income
      if (context.day === plan.day) drafts.push(credit({ second: timeBetween(random, 4, 8), account: 0, amount: plan.amount, category: 'TRANSFER', counterpartyKind: 'NONE', channel: 'OTHER' }));
      return;
    case 'moved_in':
      for (const tranche of plan.tranches) {
        if (tranche.day !== context.day) continue;
        drafts.push(
          credit({ second: timeBetween(random, 8, 18), account: 0, amount: tranche.amount, category: 'TRANSFER', counterpartyKind: 'OTHER_BANK', bankCode: customer.otherBankCode, channel: 'OTHER' }),
        );
      }
      return;
  }
}
