import type { DayContext } from './day-context.ts';
import type { Draft } from './drafts.ts';
import { credit, debit } from './drafts.ts';
import { timeBetween } from './everyday.ts';
import type { Customer } from './model.ts';
import { competitorBankCodes, taxOfficeBankCode } from './model.ts';
import type { PatternPlan } from './patterns.ts';
import { isAnniversary } from './patterns.ts';

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

/** A share of everything the customer holds, to a competitor or a platform, topped up from savings when short. */
function transferOut(customer: Customer, shareOfTotal: number, destination: 'OTHER_BANK' | 'INVESTMENT_PLATFORM', drafts: Draft[]): void {
  const toBank = destination === 'OTHER_BANK';
  drafts.push(
    debit({
      second: timeBetween(customer.random, 8, 20),
      account: 0,
      amount: 0,
      shareOfTotal,
      category: toBank ? 'TRANSFER' : 'INVESTMENT_SUBSCRIPTION',
      counterpartyKind: destination,
      bankCode: toBank ? customer.otherBankCode : null,
      channel: 'ONLINE',
      funds: 'cap',
      drawOnSavings: true,
    }),
  );
}

/** Regular transfers of 5-15% of the balance, the salary refilling behind them; the last one empties the account. */
function planLeakRefilled(customer: Customer, plan: Plan<'leak_refilled'>, context: DayContext, drafts: Draft[]): void {
  const index = plan.transferDays.indexOf(context.day);
  if (index >= 0) transferOut(customer, plan.shares[index] ?? 0, plan.destination, drafts);
  if (context.day === plan.endDay) transferOut(customer, plan.finalShare, plan.destination, drafts);
}

/**
 * The customer's last own posting, on the day a fading relationship ends: a card payment, from savings if the current
 * account is short, overdrawing by a little if there is nothing at all (so the label's endDate is exact).
 */
function planLastPosting(customer: Customer, drafts: Draft[]): void {
  const { random } = customer;
  const amount = Math.max(1, Math.round(customer.spending.cardMean * random.between(0.2, 0.8)));
  const covered = customer.balances.reduce((sum, balance) => sum + Math.max(0, balance), 0) >= amount;
  drafts.push(debit({ second: timeBetween(random, 9, 19), account: 0, amount, category: 'CARD', counterpartyKind: 'NONE', channel: 'CARD', funds: covered ? 'cap' : 'force', drawOnSavings: covered }));
}

/** A large credit that leaves again the next day: money passing through, not money arriving. */
function planSpike(customer: Customer, plan: Plan<'one_day_spike'>, context: DayContext, drafts: Draft[]): void {
  const { random } = customer;
  if (context.day === plan.day) {
    // large against the customer's own level, whatever the account holds today
    plan.total = Math.max(1, Math.round(customer.typicalBalance * plan.factor));
    const fromOtherBank = random.chance(0.7);
    drafts.push(
      credit({ second: timeBetween(random, 8, 14), account: 0, amount: plan.total, category: 'TRANSFER', counterpartyKind: fromOtherBank ? 'OTHER_BANK' : 'SAME_BANK_CUSTOMER', bankCode: fromOtherBank ? random.pick(competitorBankCodes) : null, channel: 'OTHER' }),
    );
  } else if (context.day === plan.day + 1) {
    drafts.push(
      debit({ second: timeBetween(random, 8, 16), account: 0, amount: Math.round(plan.total * plan.outShare), category: 'TRANSFER', counterpartyKind: 'OTHER_BANK', bankCode: random.pick(competitorBankCodes), channel: 'ONLINE', funds: 'cap', drawOnSavings: true }),
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
    case 'leak_refilled':
      return planLeakRefilled(customer, plan, context, drafts);
    case 'small_balance_exit':
      if (context.day === plan.day) transferOut(customer, plan.share, 'OTHER_BANK', drafts);
      return;
    case 'payroll_moved':
    case 'slow_fade':
    case 'going_dormant':
      if (context.day === plan.endDay) planLastPosting(customer, drafts);
      return;
    case 'house_down_payment':
      if (context.day === plan.day) {
        const elsewhere = plan.counterpartyKind === 'OTHER_BANK';
        drafts.push(
          debit({
            second: timeBetween(random, 9, 16), account: 0, amount: 0, shareOfTotal: plan.share, category: 'TRANSFER', counterpartyKind: plan.counterpartyKind,
            bankCode: elsewhere ? random.pick(competitorBankCodes) : null, channel: random.chance(0.4) ? 'BRANCH' : 'ONLINE', funds: 'cap', drawOnSavings: true,
          }),
        );
      }
      return;
    case 'one_day_spike':
      return planSpike(customer, plan, context, drafts);
    case 'annual_tax':
      if (isAnniversary(context.day, plan.day)) {
        drafts.push(
          debit({ second: timeBetween(random, 8, 18), account: 0, amount: 0, shareOfTotal: plan.share, category: 'TRANSFER', counterpartyKind: 'OTHER_BANK', bankCode: taxOfficeBankCode, channel: 'ONLINE', funds: 'cap', drawOnSavings: true }),
        );
      }
      return;
    case 'holiday_spending':
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
