import type { ProductEvent } from '../domain/product-event.ts';
import { DAY_MS } from './calendar.ts';
import type { Customer, SaverFlows } from './model.ts';
import type { Period } from './options.ts';
import { hashUnit } from './random.ts';

/**
 * A saver's term deposit as the bank's product system reports it: an ACTIVE event when the deposit is placed (or,
 * for the one held before the period, announced on the first day) and when it renews itself, a CLOSED one when it
 * is paid out. Product events go to `products.jsonl` (or the products topic) in event-time order.
 */

/** Share of deposits placed with auto-rollover: most renew themselves, the rest fall free at maturity. */
export const AUTO_ROLLOVER_SHARE = 0.7;
/** Keeps the rollover hash apart from any other choice hashed from (seed, customer, day). */
const ROLLOVER_SALT = 0x70d0;

/** Where a day's product events go, and the currency they are in. */
export interface ProductLog {
  currency: string;
  /** BankOptions.balanceScale: principals are scaled like every other amount. */
  scale: number;
  events: ProductEvent[];
}

/**
 * Whether a deposit placed on `day` renews itself. Hashed rather than drawn from the customer's stream, so that
 * adding products did not shift any of the customer's other draws.
 */
export const rollsOver = (seed: number, customerIndex: number, day: number): boolean => hashUnit(seed, customerIndex, day, ROLLOVER_SALT) < AUTO_ROLLOVER_SHARE;

export const depositIdOf = (customerId: string, serial: number): string => `${customerId}-TD${serial}`;

/** A new deposit contract for the saver, placed on `day` (mutates `saver`; amount and date are the caller's). */
export function openDeposit(customer: Customer, saver: SaverFlows, seed: number, day: number): void {
  saver.depositsOpened += 1;
  saver.depositId = depositIdOf(customer.id, saver.depositsOpened);
  saver.autoRollover = rollsOver(seed, customer.index, day);
}

/** The saver's deposit as it stands, at `eventTime`: ACTIVE with its maturity date, or CLOSED (paid out on `maturityDay`). */
export function depositEvent(customer: Customer, saver: SaverFlows, status: ProductEvent['status'], eventTime: number, maturityDay: number, currency: string, scale = 1): ProductEvent {
  const productId = saver.depositId ?? depositIdOf(customer.id, saver.depositsOpened);
  // field order of avro/ProductEvent.avsc
  return {
    eventId: `${productId}-${eventTime}`,
    customerId: customer.id,
    productId,
    productKind: 'TIME_DEPOSIT',
    principalMinor: scale === 1 ? saver.deposit : Math.round(saver.deposit * scale),
    currency,
    maturityDate: maturityDay,
    autoRollover: saver.autoRollover,
    status,
    eventTime,
  };
}

/** The deposits held before the period, announced at its first instant (the bank's view at the start), in customer order. */
export function depositsHeldAtStart(customers: readonly Customer[], period: Period, currency: string, scale = 1): ProductEvent[] {
  return customers.flatMap((customer) => {
    const saver = customer.saver;
    if (saver === null || saver.depositId === null || saver.nextMaturityDay < 0) return [];
    return [depositEvent(customer, saver, 'ACTIVE', period.startDay * DAY_MS, saver.nextMaturityDay, currency, scale)];
  });
}
