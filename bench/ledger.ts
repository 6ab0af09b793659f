import type { CounterpartyKind, Transaction } from '../src/domain/transaction.ts';
import type { CustomerPlan } from './customers.ts';
import { between, pick, skewedBetween, wholeCrowns } from './random.ts';
import type { Random } from './random.ts';
import type { PostingKind } from './schedule.ts';

const OTHER_BANK_CODES = ['0100', '0300', '0600', '0800', '2010', '3030', '5500', '6210'] as const;
const INVESTMENT_PLATFORM_CODES = ['2010', '2700', '5800'] as const;
const CZK = (crowns: number) => crowns * 100;
/** Below this relationship balance a "large move" would be pocket money: it becomes an ordinary transfer. */
const LARGE_MOVE_MIN_BALANCE = CZK(30_000);

type Fields = Omit<Transaction, 'transactionId' | 'accountId' | 'customerId' | 'currency' | 'eventTime' | 'balanceAfterMinor'>;

/**
 * The bank's books for the synthetic customers: it turns planned postings into transactions, in time order, with
 * amounts that fit each customer's balances and every posting's balance-after, as a core banking system would.
 */
export class Ledger {
  readonly #customers: readonly CustomerPlan[];
  readonly #random: Random;
  readonly #current: Float64Array;
  readonly #savings: Float64Array;
  /** customer → event time of their latest large move out (the exit rule asks whether the customer did it before). */
  readonly #largeOutAt = new Map<number, number>();
  #sequence = 0;

  constructor(customers: readonly CustomerPlan[], random: Random) {
    this.#customers = customers;
    this.#random = random;
    this.#current = Float64Array.from(customers, (plan) => plan.openingCurrentMinor);
    this.#savings = Float64Array.from(customers, (plan) => plan.openingSavingsMinor);
  }

  get customerCount(): number {
    return this.#customers.length;
  }

  totalBalanceOf(customer: number): number {
    return (this.#current[customer] ?? 0) + (this.#savings[customer] ?? 0);
  }

  /** Event time of the customer's latest large move out, if any. */
  lastLargeOutflowAt(customer: number): number | undefined {
    return this.#largeOutAt.get(customer);
  }

  /** The account holding most of the money, and its share of the relationship balance. */
  largestAccountOf(customer: number): { savings: boolean; share: number } {
    const current = this.#current[customer] ?? 0;
    const savings = this.#savings[customer] ?? 0;
    const total = current + savings;
    const useSavings = savings > current;
    return { savings: useSavings, share: total <= 0 ? 0 : (useSavings ? savings : current) / total };
  }

  /** The transactions of one planned posting (an own-account transfer is two: out of one account, into another). */
  post(customer: number, kind: PostingKind, at: number, idPrefix: string): Transaction[] {
    const plan = this.#plan(customer);
    const random = this.#random;
    switch (kind) {
      case 'income': {
        const income = plan.income;
        if (income === null) return [];
        const kindOfPayer: CounterpartyKind = income.fromOtherBank ? 'OTHER_BANK' : 'SAME_BANK_CUSTOMER';
        return [this.#credit(plan, false, at, idPrefix, income.amountMinor, { category: income.category, channel: 'OTHER', counterpartyKind: kindOfPayer, bank: income.fromOtherBank })];
      }
      case 'interest': {
        const interest = wholeCrowns(((this.#savings[customer] ?? 0) * 0.035) / 12);
        return [this.#credit(plan, true, at, idPrefix, interest, { category: 'INTEREST', channel: 'SYSTEM', counterpartyKind: 'NONE', bank: false, initiatedBy: 'SYSTEM' })];
      }
      case 'card':
        return [this.#debit(plan, false, at, idPrefix, wholeCrowns(CZK(skewedBetween(random, 80, 4_000))), { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE', bank: false })];
      case 'atm':
        return [this.#debit(plan, false, at, idPrefix, CZK(pick(random, [500, 1_000, 2_000, 2_000, 3_000, 5_000, 10_000])), { category: 'CASH', channel: 'ATM', counterpartyKind: 'CASH', bank: false })];
      case 'transferOut':
        return [this.#debit(plan, false, at, idPrefix, wholeCrowns(CZK(skewedBetween(random, 300, 9_000))), { category: 'TRANSFER', channel: pick(random, ['ONLINE', 'MOBILE'] as const), counterpartyKind: 'OTHER_BANK', bank: true })];
      case 'investmentOut':
        return [this.#debit(plan, false, at, idPrefix, wholeCrowns(CZK(between(random, 1_000, 10_000))), { category: 'INVESTMENT_SUBSCRIPTION', channel: 'ONLINE', counterpartyKind: 'INVESTMENT_PLATFORM', bank: true })];
      case 'sameBankOut':
        return [this.#debit(plan, false, at, idPrefix, wholeCrowns(CZK(skewedBetween(random, 100, 6_000))), { category: 'TRANSFER', channel: 'MOBILE', counterpartyKind: 'SAME_BANK_CUSTOMER', bank: false })];
      case 'transferIn':
        return [this.#credit(plan, false, at, idPrefix, wholeCrowns(CZK(skewedBetween(random, 500, 20_000))), { category: 'TRANSFER', channel: 'OTHER', counterpartyKind: random() < 0.5 ? 'OTHER_BANK' : 'SAME_BANK_CUSTOMER', bank: true })];
      case 'ownTransfer': {
        if (plan.savingsAccount === null) return this.post(customer, 'card', at, idPrefix);
        const amount = wholeCrowns(CZK(between(random, 1_000, 20_000)));
        const own = { category: 'TRANSFER', channel: 'MOBILE', counterpartyKind: 'OWN_ACCOUNT', bank: false } as const;
        return [this.#debit(plan, false, at, idPrefix, amount, own), this.#credit(plan, true, at, idPrefix, amount, own)];
      }
      case 'largeOut':
        return this.#largeOutflow(customer, at, idPrefix, between(random, 0.5, 0.95));
      case 'largeIn': {
        const base = plan.income?.amountMinor ?? CZK(60_000);
        const amount = wholeCrowns(base * between(random, 3, 15));
        return [this.#credit(plan, false, at, idPrefix, amount, { category: 'TRANSFER', channel: 'OTHER', counterpartyKind: 'OTHER_BANK', bank: true })];
      }
    }
  }

  /** Most of the biggest account to another bank: what the live phase uses to raise an RM alert on purpose. */
  nearTotalWithdrawal(customer: number, at: number, idPrefix: string): Transaction {
    const [withdrawal] = this.#largeOutflow(customer, at, idPrefix, 0.95, 'OTHER_BANK');
    if (withdrawal === undefined) throw new Error(`customer ${customer} has too little money for a near-total withdrawal`);
    return withdrawal;
  }

  #largeOutflow(customer: number, at: number, idPrefix: string, share: number, kind?: CounterpartyKind): Transaction[] {
    if (this.totalBalanceOf(customer) < LARGE_MOVE_MIN_BALANCE) return this.post(customer, 'transferOut', at, idPrefix);
    const plan = this.#plan(customer);
    const { savings } = this.largestAccountOf(customer);
    const balance = (savings ? this.#savings[customer] : this.#current[customer]) ?? 0;
    const counterpartyKind = kind ?? (this.#random() < 0.6 ? 'OTHER_BANK' : 'INVESTMENT_PLATFORM');
    const category = counterpartyKind === 'INVESTMENT_PLATFORM' ? 'INVESTMENT_SUBSCRIPTION' : 'TRANSFER';
    this.#largeOutAt.set(customer, at);
    return [this.#debit(plan, savings, at, idPrefix, wholeCrowns(balance * share), { category, channel: pick(this.#random, ['ONLINE', 'BRANCH'] as const), counterpartyKind, bank: true })];
  }

  #plan(customer: number): CustomerPlan {
    const plan = this.#customers[customer];
    if (plan === undefined) throw new RangeError(`no customer ${customer}`);
    return plan;
  }

  #debit(plan: CustomerPlan, savings: boolean, at: number, idPrefix: string, amount: number, fields: PostingFields): Transaction {
    return this.#book(plan, savings, at, idPrefix, -amount, { ...fields, amountMinor: amount, direction: 'DEBIT' });
  }

  #credit(plan: CustomerPlan, savings: boolean, at: number, idPrefix: string, amount: number, fields: PostingFields): Transaction {
    return this.#book(plan, savings, at, idPrefix, amount, { ...fields, amountMinor: amount, direction: 'CREDIT' });
  }

  #book(plan: CustomerPlan, savings: boolean, at: number, idPrefix: string, delta: number, posting: PostingFields & Pick<Fields, 'amountMinor' | 'direction'>): Transaction {
    const balances = savings ? this.#savings : this.#current;
    const balanceAfter = (balances[plan.index] ?? 0) + delta;
    balances[plan.index] = balanceAfter;
    this.#sequence += 1;
    const { bank, initiatedBy, ...fields } = posting;
    const codes = fields.counterpartyKind === 'INVESTMENT_PLATFORM' ? INVESTMENT_PLATFORM_CODES : OTHER_BANK_CODES;
    return {
      transactionId: `${idPrefix}-${this.#sequence}`,
      accountId: (savings ? plan.savingsAccount : null) ?? plan.currentAccount,
      customerId: plan.customerId,
      currency: 'CZK',
      eventTime: at,
      balanceAfterMinor: balanceAfter,
      counterpartyBankCode: bank ? pick(this.#random, codes) : null,
      initiatedBy: initiatedBy ?? 'CUSTOMER',
      ...fields,
    };
  }
}

interface PostingFields {
  category: Fields['category'];
  channel: Fields['channel'];
  counterpartyKind: CounterpartyKind;
  /** Whether the counterparty's bank code travels with the posting. */
  bank: boolean;
  initiatedBy?: Transaction['initiatedBy'];
}
