import type { CustomerProfile } from '../src/domain/profile.ts';
import type { Transaction } from '../src/domain/transaction.ts';
import { planCustomers } from './customers.ts';
import type { CustomerPlan } from './customers.ts';
import { Ledger } from './ledger.ts';
import { seededRandom } from './random.ts';
import type { Random } from './random.ts';
import { DAY_MS, planPostings } from './schedule.ts';
import type { PlannedPosting, Window } from './schedule.ts';

export interface DataSetSize {
  seed: number;
  customers: number;
  transactions: number;
  days: number;
}

/** The synthetic bank: customers, their history as planned postings, and the books that price them. */
export interface DataSet {
  size: DataSetSize;
  window: Window;
  customers: readonly CustomerPlan[];
  profiles: readonly CustomerProfile[];
  /** In produced order; materialized lazily (see `transactions`) so the data set stays small in memory. */
  planned: readonly PlannedPosting[];
  ledger: Ledger;
  /** The generator's own stream of numbers, continued by the live phase. */
  random: Random;
}

/** History ends a little before now: every event time is in the past, as the service requires. */
const HISTORY_ENDS_BEFORE_NOW_MS = 10 * 60_000;

export function generateDataSet(size: DataSetSize, now: number): DataSet {
  const random = seededRandom(size.seed);
  const end = now - HISTORY_ENDS_BEFORE_NOW_MS;
  const window: Window = { start: end - size.days * DAY_MS, end };
  const customers = planCustomers(random, size.customers, window.start - 30 * DAY_MS);
  const planned = planPostings(random, customers, window, size.transactions);
  return { size, window, customers, profiles: customers.map((plan) => plan.profile), planned, ledger: new Ledger(customers, random), random };
}

/** The history's transactions in produced order, `chunkSize` at a time (amounts settled by the ledger as it goes). */
export function* historyChunks(dataSet: DataSet, chunkSize: number): Generator<Transaction[]> {
  let chunk: Transaction[] = [];
  for (const posting of dataSet.planned) {
    chunk.push(...dataSet.ledger.post(posting.customer, posting.kind, posting.at, 'hist'));
    if (chunk.length >= chunkSize) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
