import type { Category, CounterpartyKind, Direction, Transaction } from '../domain/transaction.ts';

export type Channel = Transaction['channel'];

/**
 * What a debit does when the account cannot cover it: refused (a declined card, a bounced standing order), cut to
 * what there is (moving money out), or posted anyway (the bank's fees may overdraw).
 */
export type Funds = 'refuse' | 'cap' | 'force';

/** One posting a customer's day will hold, before the ledger prices it against the balance. */
export interface PostingDraft {
  type: 'posting';
  /** Second of the UTC day. */
  second: number;
  account: number;
  amount: number;
  direction: Direction;
  category: Category;
  counterpartyKind: CounterpartyKind;
  bankCode: string | null;
  channel: Channel;
  initiatedBy: 'CUSTOMER' | 'SYSTEM';
  funds: Funds;
  /** A debit the current account is short for is first topped up from the savings accounts (own transfers). */
  drawOnSavings: boolean;
  /** Set: the amount is this share of the customer's total balance when the posting is made (`amount` is ignored). */
  shareOfTotal?: number;
}

/** Money between two of the customer's own accounts: both legs at the same instant. */
export interface OwnTransferDraft {
  type: 'own_transfer';
  second: number;
  from: number;
  to: number;
  amount: number;
  channel: Channel;
  funds: 'refuse' | 'cap';
}

export type Draft = PostingDraft | OwnTransferDraft;

export const HOUR = 3600;

type PostingFields = Omit<PostingDraft, 'type' | 'direction' | 'funds' | 'drawOnSavings' | 'initiatedBy' | 'bankCode' | 'shareOfTotal'> &
  Partial<Pick<PostingDraft, 'funds' | 'drawOnSavings' | 'initiatedBy' | 'bankCode' | 'shareOfTotal'>>;

export function credit(fields: PostingFields): PostingDraft {
  return { type: 'posting', direction: 'CREDIT', funds: 'force', drawOnSavings: false, initiatedBy: 'CUSTOMER', bankCode: null, ...fields };
}

export function debit(fields: PostingFields): PostingDraft {
  return { type: 'posting', direction: 'DEBIT', funds: 'refuse', drawOnSavings: false, initiatedBy: 'CUSTOMER', bankCode: null, ...fields };
}

export function ownTransfer(fields: Omit<OwnTransferDraft, 'type'>): OwnTransferDraft {
  return { type: 'own_transfer', ...fields };
}
