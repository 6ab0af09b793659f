import type { CounterpartyKind, Transaction } from '../../../domain/transaction.ts';
import type { CalendarDate } from './dates.ts';
import { parseBerkaDate } from './dates.ts';
import { minorUnitsOf } from './money.ts';
import type { BerkaTables } from './tables.ts';

/** The ids tidewatch gives PKDD'99 entities: prefixed, so an alert says what a number is. */
export const berkaIds = {
  customer: (clientId: string) => `client-${clientId}`,
  account: (accountId: string) => `account-${accountId}`,
  transaction: (transId: string) => `trans-${transId}`,
  branch: (districtId: string) => `district-${districtId}`,
  rm: (districtId: string) => `rm-district-${districtId}`,
};

/** The data set is in Czech crowns. */
export const BERKA_CURRENCY = 'CZK';

type Shape = Pick<Transaction, 'category' | 'counterpartyKind' | 'channel' | 'initiatedBy'>;

/**
 * k_symbol of the bank's own postings: interest (UROK), penalty interest on an overdraft (SANKC. UROK) and the
 * statement fee (SLUZBY). They are not customer activity (DOMAIN.md), so they never break a silence.
 */
const bankPostings: Record<string, Shape> = {
  UROK: { category: 'INTEREST', counterpartyKind: 'NONE', channel: 'SYSTEM', initiatedBy: 'SYSTEM' },
  'SANKC. UROK': { category: 'INTEREST', counterpartyKind: 'NONE', channel: 'SYSTEM', initiatedBy: 'SYSTEM' },
  SLUZBY: { category: 'FEE', counterpartyKind: 'NONE', channel: 'SYSTEM', initiatedBy: 'SYSTEM' },
};

/** What the operation says: cash over the counter, a card withdrawal, or a transfer to or from a partner account. */
function operationShape(operation: string, partnerBank: string | null): Shape | undefined {
  switch (operation) {
    case 'VKLAD': // cash credit
    case 'VYBER': // cash withdrawal
      return { category: 'CASH', counterpartyKind: 'CASH', channel: 'BRANCH', initiatedBy: 'CUSTOMER' };
    case 'VYBER KARTOU': // card withdrawal: cash taken with the card
      return { category: 'CARD', counterpartyKind: 'CASH', channel: 'ATM', initiatedBy: 'CUSTOMER' };
    case 'PREVOD Z UCTU': // collection from another bank
    case 'PREVOD NA UCET': // remittance to another bank
      return { category: 'TRANSFER', counterpartyKind: partnerBank === null ? 'SAME_BANK_CUSTOMER' : 'OTHER_BANK', channel: 'OTHER', initiatedBy: 'CUSTOMER' };
    default:
      return undefined;
  }
}

/**
 * What the payment's purpose (k_symbol) adds: a pension is regular income; a loan payment is a repayment (to this
 * bank's own loan when loan.asc lists one for the account: an own-account move, not an outflow); a household
 * payment (SIPO, collected by the payment system) or an insurance premium is a bill, paid to a payee rather than
 * moved to a competitor.
 */
function withPurpose(shape: Shape, purpose: string, hasLoan: boolean): Shape {
  switch (purpose) {
    case 'DUCHOD':
      return { ...shape, category: 'PENSION' };
    case 'UVER':
      return { ...shape, category: 'LOAN_REPAYMENT', counterpartyKind: hasLoan ? 'OWN_ACCOUNT' : shape.counterpartyKind };
    case 'SIPO':
    case 'POJISTNE':
      return { ...shape, category: 'OTHER', counterpartyKind: billTo(shape.counterpartyKind) };
    default:
      return shape;
  }
}

/** A bill is paid to a payee: money sent to an account elsewhere for it is not money moved away. */
const billTo = (kind: CounterpartyKind): CounterpartyKind => (kind === 'OTHER_BANK' || kind === 'SAME_BANK_CUSTOMER' ? 'NONE' : kind);

const directions: Record<string, Transaction['direction']> = { PRIJEM: 'CREDIT', VYDAJ: 'DEBIT', VYBER: 'DEBIT' };

/**
 * One trans.asc row (trans_id;account_id;date;type;operation;amount;balance;k_symbol;bank;account) as a
 * Transaction, or what is wrong with it. Amounts and balances to haléř exactly; the date at the given wall-clock
 * time (`timeOf`); the customer is the account's owner.
 */
export function berkaTransaction(fields: readonly string[], tables: BerkaTables, timeOf: (date: CalendarDate) => number): Transaction | string {
  if (fields.length < 10) return `${fields.length} fields where trans.asc has 10`;
  const column = (index: number) => fields[index]!.trim();
  const [transId, accountId, dateText, typeText, operationText] = [column(0), column(1), column(2), column(3), column(4)];
  const [amountText, balanceText, purposeText, bankText] = [column(5), column(6), column(7), column(8)];
  if (!/^\d+$/.test(transId)) return `trans_id ${JSON.stringify(transId)} is not a number`;
  const account = tables.accounts.get(accountId);
  if (account === undefined) return `account ${accountId} is not in account.asc`;
  if (account.ownerClientId === null) return `account ${accountId} has no OWNER in disp.asc`;
  const date = parseBerkaDate(dateText);
  if (date === undefined) return `date ${JSON.stringify(dateText)} is not YYMMDD`;
  const direction = directions[typeText];
  if (direction === undefined) return `type ${JSON.stringify(typeText)} is none of PRIJEM, VYDAJ, VYBER`;
  const amountMinor = minorUnitsOf(amountText);
  if (amountMinor === undefined || amountMinor < 0) return `amount ${JSON.stringify(amountText)} is not a non-negative CZK amount`;
  const balanceAfterMinor = minorUnitsOf(balanceText);
  if (balanceAfterMinor === undefined) return `balance ${JSON.stringify(balanceText)} is not a CZK amount`;
  const partnerBank = bankText === '' ? null : bankText;
  const shape = bankPostings[purposeText] ?? operationShape(operationText, partnerBank);
  if (shape === undefined) return `operation ${JSON.stringify(operationText)} with k_symbol ${JSON.stringify(purposeText)} is not one tidewatch knows`;
  return {
    transactionId: berkaIds.transaction(transId),
    accountId: berkaIds.account(accountId),
    customerId: berkaIds.customer(account.ownerClientId),
    amountMinor,
    currency: BERKA_CURRENCY,
    direction,
    balanceAfterMinor,
    eventTime: timeOf(date),
    ...withPurpose(shape, purposeText, account.hasLoan),
    counterpartyBankCode: partnerBank,
  };
}

/** trans_id of a row already mapped: the tie-break within a day. */
export const transIdOf = (transaction: Transaction): number => Number(transaction.transactionId.slice('trans-'.length));
