import type { DayContext } from './day-context.ts';
import type { Draft } from './drafts.ts';
import { HOUR, credit, debit } from './drafts.ts';
import type { Customer } from './model.ts';

/** Yearly interest rates: next to nothing on the current account, a savings rate on the others. */
const CURRENT_ACCOUNT_RATE = 0.0001;
const SAVINGS_RATE = 0.03;

/**
 * The bank's own postings on the first of the month, for every customer whatever they do: last month's interest on
 * each account in credit, and the account fee. Both are SYSTEM: they are not customer activity.
 */
export function planBankPostings(customer: Customer, context: DayContext, drafts: Draft[]): void {
  if (!context.isFirstOfMonth) return;
  customer.balances.forEach((balance, account) => {
    if (balance <= 0) return;
    const rate = account === 0 ? CURRENT_ACCOUNT_RATE : SAVINGS_RATE;
    // at least a haléř: small balances still see their monthly interest line
    const interest = Math.max(1, Math.floor((balance * rate) / 12));
    drafts.push(credit({ second: 1 * HOUR + account * 60, account, amount: interest, category: 'INTEREST', counterpartyKind: 'NONE', channel: 'SYSTEM', initiatedBy: 'SYSTEM' }));
  });
  drafts.push(
    debit({ second: 1 * HOUR + 30 * 60, account: 0, amount: customer.monthlyFee, category: 'FEE', counterpartyKind: 'NONE', channel: 'SYSTEM', initiatedBy: 'SYSTEM', funds: 'force' }),
  );
}
