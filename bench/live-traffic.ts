import type { Transaction } from '../src/domain/transaction.ts';
import type { DataSet } from './dataset.ts';
import { weighted } from './random.ts';
import type { Random } from './random.ts';
import type { PostingKind } from './schedule.ts';

const LIVE_MIX: ReadonlyArray<readonly [PostingKind, number]> = [
  ['card', 80],
  ['atm', 6],
  ['transferOut', 6],
  ['sameBankOut', 4],
  ['transferIn', 4],
];
/**
 * A withdrawal of 95% of the biggest account is an exit the RM hears of when it leaves at most a fifth of the money
 * (that account holds 90% of it or more: 95% × 90% leaves 14.5%) and the customer made no such move in the 90 days
 * the core remembers (a move of nearly all the customer did before is their habit, not an exit).
 */
const DESIGNED_MIN_BALANCE_MINOR = 50_000_00;
const DESIGNED_MIN_ACCOUNT_SHARE = 0.9;
const DESIGNED_NO_LARGE_MOVE_MS = 91 * 86_400_000;

export interface LiveTransaction {
  transaction: Transaction;
  /** Built to raise an RM alert (a near-total withdrawal to another bank by a customer not alerted lately). */
  designedAlert: boolean;
}

/**
 * Today's traffic, continuing the history: everyday postings by customers weighted by how active they are, and
 * every `1 / alertShare`-th record a near-total withdrawal to another bank, each by a different customer so that
 * no cooldown mutes it.
 */
export class LiveTraffic {
  readonly #dataSet: DataSet;
  readonly #random: Random;
  readonly #designedEvery: number;
  readonly #cumulativeActivity: Float64Array;
  readonly #candidates: number[];
  #nextCandidate = 0;
  #count = 0;

  constructor(dataSet: DataSet, alertShare: number) {
    this.#dataSet = dataSet;
    this.#random = dataSet.random;
    this.#designedEvery = Math.max(1, Math.round(1 / alertShare));
    let running = 0;
    this.#cumulativeActivity = Float64Array.from(dataSet.customers, (plan) => (running += plan.activity));
    this.#candidates = shuffled(this.#random, dataSet.customers.length);
  }

  next(at: number): LiveTransaction {
    this.#count += 1;
    if (this.#count % this.#designedEvery === 0) {
      const customer = this.#nextDesignedCustomer(at);
      if (customer !== undefined) return { transaction: this.#dataSet.ledger.nearTotalWithdrawal(customer, at, 'live'), designedAlert: true };
    }
    for (;;) {
      const [transaction] = this.#dataSet.ledger.post(this.#activeCustomer(), weighted(this.#random, LIVE_MIX), at, 'live');
      if (transaction !== undefined) return { transaction, designedAlert: false };
    }
  }

  #nextDesignedCustomer(at: number): number | undefined {
    const ledger = this.#dataSet.ledger;
    while (this.#nextCandidate < this.#candidates.length) {
      const customer = this.#candidates[this.#nextCandidate];
      this.#nextCandidate += 1;
      if (customer === undefined) break;
      const movedBefore = ledger.lastLargeOutflowAt(customer);
      if (movedBefore !== undefined && at - movedBefore < DESIGNED_NO_LARGE_MOVE_MS) continue;
      if (ledger.totalBalanceOf(customer) >= DESIGNED_MIN_BALANCE_MINOR && ledger.largestAccountOf(customer).share >= DESIGNED_MIN_ACCOUNT_SHARE) return customer;
    }
    return undefined;
  }

  #activeCustomer(): number {
    const cumulative = this.#cumulativeActivity;
    const roll = this.#random() * (cumulative[cumulative.length - 1] ?? 0);
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] ?? 0) < roll) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

function shuffled(random: Random, count: number): number[] {
  const order = Array.from({ length: count }, (_, index) => index);
  for (let index = count - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other]!, order[index]!];
  }
  return order;
}
