import { z } from 'zod';
import { identifier } from './transaction.ts';

/** Mirrors avro/ProductEvent.avsc: the latest state of a time deposit or wealth product (keyed by customerId). */
export const productKinds = ['TIME_DEPOSIT', 'WEALTH_PRODUCT', 'STRUCTURED_DEPOSIT'] as const;
export const productStatuses = ['ACTIVE', 'CLOSED'] as const;

export const productEventSchema = z.object({
  eventId: identifier,
  customerId: identifier,
  productId: identifier,
  productKind: z.enum(productKinds),
  principalMinor: z.number().int().nonnegative().refine(Number.isSafeInteger, 'beyond exact integer range'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code'),
  /** The maturity date: days since 1970-01-01 (Avro `date`), the bank's business day of that date. */
  maturityDate: z.number().int().nonnegative(),
  /** True when the product renews itself at maturity: the money does not fall free. */
  autoRollover: z.boolean(),
  /** CLOSED: redeemed early or paid out. */
  status: z.enum(productStatuses),
  /** When the bank changed the product: milliseconds since the Unix epoch, UTC. */
  eventTime: z.number().int().positive(),
});

export type ProductEvent = z.infer<typeof productEventSchema>;
export type ProductKind = (typeof productKinds)[number];
