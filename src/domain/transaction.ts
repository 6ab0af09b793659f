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

/**
 * Characters no identifier of a bank's system carries, which would corrupt logs, keys and RM screens: C0 controls
 * (NUL included), DEL, C1 controls, and the invisible direction marks and overrides (U+202E turns "CZ-1234" into a
 * reversed display).
 */
const FORBIDDEN_IN_IDS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]/u;

/** An id: 1 to 256 UTF-16 units, no control or direction characters. */
export const identifier = z
  .string()
  .min(1)
  .max(256)
  .refine((id) => !FORBIDDEN_IN_IDS.test(id), {
    error: (issue) => {
      const found = typeof issue.input === 'string' ? FORBIDDEN_IN_IDS.exec(issue.input)?.[0] : undefined;
      const code = found?.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0');
      return `contains a control or text-direction character${code === undefined ? '' : ` (U+${code})`}`;
    },
  });

export const transactionSchema = z.object({
  transactionId: identifier,
  accountId: identifier,
  customerId: identifier,
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
