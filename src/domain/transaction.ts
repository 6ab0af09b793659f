import { z } from 'zod';

/** Mirrors avro/Transaction.avsc (test/unit/schemas.test.ts keeps the two in step). */
export const directions = ['DEBIT', 'CREDIT'] as const;
export const channels = ['BRANCH', 'ONLINE', 'MOBILE', 'ATM', 'CARD', 'SYSTEM', 'OTHER'] as const;
export const categories = [
  'SALARY', 'PENSION', 'INTEREST', 'FEE', 'CARD', 'CASH', 'TRANSFER', 'LOAN_REPAYMENT',
  'INVESTMENT_SUBSCRIPTION', 'INVESTMENT_REDEMPTION', 'DEPOSIT_MATURITY', 'OTHER',
] as const;
export const counterpartyKinds = ['OWN_ACCOUNT', 'SAME_BANK_CUSTOMER', 'OTHER_BANK', 'INVESTMENT_PLATFORM', 'CASH', 'NONE'] as const;
export const initiators = ['CUSTOMER', 'SYSTEM'] as const;

const minorUnits = z.number().int().refine(Number.isSafeInteger, 'beyond exact integer range');

export const transactionSchema = z.object({
  transactionId: z.string().min(1),
  accountId: z.string().min(1),
  customerId: z.string().min(1),
  amountMinor: minorUnits.nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code'),
  direction: z.enum(directions),
  balanceAfterMinor: minorUnits,
  eventTime: z.number().int().positive(),
  channel: z.enum(channels),
  category: z.enum(categories),
  counterpartyKind: z.enum(counterpartyKinds),
  counterpartyBankCode: z.string().min(1).nullable(),
  initiatedBy: z.enum(initiators),
});

export type Transaction = z.infer<typeof transactionSchema>;
export type Direction = (typeof directions)[number];
export type CounterpartyKind = (typeof counterpartyKinds)[number];
export type Category = (typeof categories)[number];
