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

const DIRECTIONS: ReadonlySet<unknown> = new Set(directions);
const CHANNELS: ReadonlySet<unknown> = new Set(channels);
const CATEGORIES: ReadonlySet<unknown> = new Set(categories);
const COUNTERPARTY_KINDS: ReadonlySet<unknown> = new Set(counterpartyKinds);
const INITIATORS: ReadonlySet<unknown> = new Set(initiators);
const CURRENCY_CODE = /^[A-Z]{3}$/;

/** An id transactionSchema accepts: printable ASCII needs no look for control or direction characters. */
function isIdentifier(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) return false;
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code > 0x7e) return !FORBIDDEN_IN_IDS.test(value);
  }
  return true;
}

const isMinorUnits = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/**
 * The transaction transactionSchema would answer for a record of its usual shape, checked by hand (zod cost a replay's
 * reader about 2 µs a record, more than reading and parsing it); undefined for anything else, which the caller then
 * gives the schema, so that a refusal and its reason stay the schema's own. Never accepts what the schema refuses
 * (test/unit/transaction-shape.test.ts), and answers what it would: the schema's fields in its order, others dropped.
 */
export function transactionOfKnownShape(value: unknown): Transaction | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const { transactionId, accountId, customerId, amountMinor, currency, direction, balanceAfterMinor, eventTime, channel, category, counterpartyKind, counterpartyBankCode, initiatedBy } = record;
  if (!isIdentifier(transactionId) || !isIdentifier(accountId) || !isIdentifier(customerId)) return undefined;
  if (!isMinorUnits(amountMinor) || amountMinor < 0 || !isMinorUnits(balanceAfterMinor)) return undefined;
  if (typeof currency !== 'string' || !CURRENCY_CODE.test(currency)) return undefined;
  if (!isMinorUnits(eventTime) || eventTime <= 0) return undefined;
  if (!DIRECTIONS.has(direction) || !CHANNELS.has(channel) || !CATEGORIES.has(category) || !COUNTERPARTY_KINDS.has(counterpartyKind) || !INITIATORS.has(initiatedBy)) return undefined;
  if (counterpartyBankCode !== null && (typeof counterpartyBankCode !== 'string' || counterpartyBankCode.length === 0)) return undefined;
  return {
    transactionId,
    accountId,
    customerId,
    amountMinor,
    currency,
    direction: direction as Transaction['direction'],
    balanceAfterMinor,
    eventTime,
    channel: channel as Transaction['channel'],
    category: category as Transaction['category'],
    counterpartyKind: counterpartyKind as Transaction['counterpartyKind'],
    counterpartyBankCode,
    initiatedBy: initiatedBy as Transaction['initiatedBy'],
  };
}
