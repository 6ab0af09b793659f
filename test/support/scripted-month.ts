/**
 * The scripted month of test/integration/scripted-month.test.ts: a handful of customers, each with a history before
 * the month and a script for October 2026 (Europe/Prague business days, the default rules' time zone; the month
 * holds the end of summer time on the 25th). Every number is chosen so that, under rules/default.yaml, each customer
 * raises exactly the alerts its comment names, and nothing else (the test checks the whole of every output topic).
 *
 * Days are counted as days of the month: 1 = 1 October 2026, 0 = 30 September, -29 = 1 September, and so on.
 */
import { createSchemaRegistry } from '../../src/adapters/registry/client.ts';
import type { Producer } from 'kafkajs';
import { registerSchemas } from '../../src/adapters/registry/schemas.ts';
import { businessCalendar } from '../../src/core/calendar.ts';
import type { Outcome } from '../../src/domain/outcome.ts';
import type { ProductEvent } from '../../src/domain/product-event.ts';
import type { CustomerProfile } from '../../src/domain/profile.ts';
import type { Transaction } from '../../src/domain/transaction.ts';
import type { ServiceTopics } from './service-env.ts';

export const calendar = businessCalendar('Europe/Prague');
/** The business day (days since 1970-01-01, Prague) of 1 October 2026. */
export const FIRST_DAY = Date.UTC(2026, 9, 1) / 86_400_000;
export const MONTH_DAYS = 31;
const MINUTE = 60_000;

/** An instant on day `day` of the month (0 and below: the days before it), Prague wall-clock time. */
export const at = (day: number, hour = 10, minute = 0): number => calendar.startOf(FIRST_DAY + day - 1) + (hour * 60 + minute) * MINUTE;

/** Five past midnight at the start of day `day`: the day before has closed and its wake-ups (00:01) are due. */
export const justAfterMidnight = (day: number): number => calendar.startOf(FIRST_DAY + day - 1) + 5 * MINUTE;

/** Whole CZK → minor units (haléř). */
export const czk = (amount: number): number => amount * 100;

type Fields = Partial<Omit<Transaction, 'customerId' | 'accountId' | 'amountMinor' | 'direction' | 'balanceAfterMinor' | 'eventTime'>>;

/** One customer's current account: postings in any order, balances running in event-time order as the bank would send them. */
class Account {
  private readonly entries: Array<{ eventTime: number; direction: Transaction['direction']; amountMinor: number; fields: Fields }> = [];

  constructor(
    readonly customerId: string,
    private readonly openingMinor: number,
  ) {}

  credit(day: number, amountMinor: number, fields: Fields = {}, minute = 0): this {
    this.entries.push({ eventTime: at(day, 10, minute), direction: 'CREDIT', amountMinor, fields });
    return this;
  }

  debit(day: number, amountMinor: number, fields: Fields = {}, minute = 0): this {
    this.entries.push({ eventTime: at(day, 10, minute), direction: 'DEBIT', amountMinor, fields });
    return this;
  }

  /** A card payment in a shop: customer activity, far below every threshold. */
  card(day: number, amountMinor: number): this {
    return this.debit(day, amountMinor, { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' }, 1);
  }

  /** Monthly interest: a bank posting, neither customer activity nor a jump. */
  interest(day: number, amountMinor: number): this {
    return this.credit(day, amountMinor, { category: 'INTEREST', channel: 'SYSTEM', initiatedBy: 'SYSTEM', counterpartyKind: 'NONE' }, 2);
  }

  /** Card payments every `step` days from `from` to `to` (inclusive). */
  cards(from: number, to: number, step: number, amountMinor: number): this {
    for (let day = from; day <= to; day += step) this.card(day, amountMinor);
    return this;
  }

  /** Interest on the last day of each month from `from` to `to`. */
  monthlyInterest(from: number, to: number, amountMinor: number): this {
    for (let day = from; day <= to; day += 1) {
      if (calendar.monthStartOf(FIRST_DAY + day) === FIRST_DAY + day) this.interest(day, amountMinor);
    }
    return this;
  }

  get postings(): Transaction[] {
    let balance = this.openingMinor;
    return [...this.entries]
      .sort((left, right) => left.eventTime - right.eventTime)
      .map(({ eventTime, direction, amountMinor, fields }, index) => {
        balance += direction === 'CREDIT' ? amountMinor : -amountMinor;
        return {
          transactionId: `${this.customerId}-t${String(index + 1).padStart(3, '0')}`,
          accountId: `${this.customerId}-current`,
          customerId: this.customerId,
          amountMinor,
          currency: 'CZK',
          direction,
          balanceAfterMinor: balance,
          eventTime,
          channel: 'ONLINE',
          category: 'TRANSFER',
          counterpartyKind: 'NONE',
          counterpartyBankCode: null,
          initiatedBy: 'CUSTOMER',
          ...fields,
        } satisfies Transaction;
      });
  }
}

export function profileOf(customerId: string, fields: Partial<CustomerProfile>): CustomerProfile {
  return {
    customerId,
    rmId: null,
    branchId: 'branch-brno-1',
    householdId: null,
    servedTier: 'SILVER',
    riskAppetite: 'UNKNOWN',
    marketingConsent: false,
    relationshipStartDay: FIRST_DAY - 3_000,
    status: 'ACTIVE',
    updatedAt: at(-210),
    rmStatus: 'ACTIVE',
    ...fields,
  };
}

/** The bank's product system announcing a customer's product: active, in CZK, no auto-rollover unless said. */
function productEvent(customerId: string, productId: string, fields: Pick<ProductEvent, 'principalMinor' | 'maturityDate' | 'eventTime'> & Partial<ProductEvent>): ProductEvent {
  return { eventId: `${productId}-${fields.eventTime}`, customerId, productId, productKind: 'TIME_DEPOSIT', currency: 'CZK', autoRollover: false, status: 'ACTIVE', ...fields };
}

const toOtherBank = (bankCode: string): Fields => ({ counterpartyKind: 'OTHER_BANK', counterpartyBankCode: bankCode, channel: 'ONLINE', category: 'TRANSFER' });

export interface MonthDay {
  day: number;
  profiles: CustomerProfile[];
  /** Product events (time deposits, wealth products), produced after the day's profiles and before its transactions. */
  products: ProductEvent[];
  transactions: Transaction[];
}

export interface ScriptedMonth {
  /** The bank's reference data, loaded before anything else. */
  profiles: CustomerProfile[];
  /** Everything before the month, in event-time order. */
  history: Transaction[];
  /** RM outcomes recorded before the month (after the history is in). */
  outcomes: Outcome[];
  /** Days 1..31: that day's reference-data changes and transactions. */
  days: MonthDay[];
}

/**
 * The customers (amounts in CZK; rules/default.yaml):
 * - c-upgrade (SILVER, rm-1, consent): 21,000, weekly card payments. Day 3: 150,000 from its own term deposit
 *   (DEPOSIT_MATURITY, OWN_ACCOUNT: not a jump). The 30-day average reaches GOLD (100,000) on day 19 and holds it
 *   for 5 days → one UPGRADE_ELIGIBLE (GOLD, "Eligible:") to rm-1 and the campaign feed, on the close of day 23
 *   (found by the timer just after midnight).
 * - c-platinum (GOLD, rm-2, consent): ~325,000 all along → one UPGRADE_ELIGIBLE to PLATINUM, "Eligible, needs
 *   approval", to rm-2 and the campaign feed (on its first day close, in the history).
 * - c-no-consent (GOLD, rm-2, no marketing consent): like c-platinum → the same UPGRADE_ELIGIBLE to rm-2, and nothing on
 *   the campaign feed.
 * - c-spike (SILVER, rm-1, consent): 20,500; +500,000 from its own savings on day 5, the same back on day 6 → nothing:
 *   own-account moves are neither inflow nor outflow, and the 30-day average never gets near GOLD.
 * - c-pension (SILVER, rm-3): since late May a monthly PENSION of 20,000 (last on 1 September) and a card payment every
 *   3 days, ~75,000 held (kept under GOLD's 100,000 so that no upgrade is due). From the month's start nothing
 *   arrives and the cards stop; day 5: 50,000 to another bank (66% of the balance, not near-total) → LARGE_OUTFLOW to
 *   the risk feed (not an exit). The money moved alone keeps the churn score low (a payment is not leaving) until the
 *   pension is overdue (43 days after it last came: the close of day 14, seen by the income's wake-up) → one
 *   CHURN_RISK to rm-3 naming the stopped pension, the outflow to competitors and the missing money in.
 * - c-handover (PLATINUM, rm-4, ~800,000): day 10, the profile hands it to rm-5 → RM_HANDOVER to rm-5; day 15, 260,000
 *   to another bank: a LARGE_OUTFLOW only because the watch halves the thresholds (PLATINUM single 500,000 → 250,000;
 *   33% of the balance is under the 50% share) → to rm-5 and risk. No churn alert (leakage 20 + drawdown 10).
 * - c-departed (GOLD, rm-6, ~200,000): day 12, its profile says its RM has DEPARTED (rmId unchanged) → RM_HANDOVER to
 *   the unassigned queue.
 * - c-idle (PLATINUM, rm-7, consent, LOW risk appetite, ~400,000) known for 200 days: interest and a card payment
 *   every 20 days, no investment → one IDLE_FUNDS to rm-7 and the campaign feed once 180 days are watched (on a
 *   history day close), then the 90-day cooldown.
 * - c-not-interested: like c-idle but known for 170 days, so that 180 days are only watched on day 11; rm-7 recorded
 *   NOT_INTERESTED in IDLE_FUNDS for it on 30 September → no IDLE_FUNDS at all.
 * - c-household-a (SILVER, rm-8, consent, 50,000) and c-household-b (SILVER, rm-8, no consent, 25,000), household
 *   h-8: together about 74,000, under the household GOLD floor (80,000), and each far under GOLD alone (100,000). Day 3:
 *   30,000 reaches b from its own term deposit (not a jump); the household's 30-day average climbs about 1,000 a day,
 *   crosses 80,000 in the second week and holds → one UPGRADE_ELIGIBLE (GOLD, by the household) to rm-8 for each
 *   member, judged on a close after b's money arrived; the campaign feed gets a's only (b has no consent).
 * - c-maturity (SILVER, rm-10, consent, ~60,000 in its current account, weekly card payments): day 2, the bank
 *   announces its 300,000 time deposit td-m1 maturing on day 25 without auto-rollover, and a 200,000 one, td-m2,
 *   maturing on day 20 that rolls over. td-m1's notice window (14 days) opens on day 11: one MATURITY to rm-10 and the
 *   campaign feed, found by the timer just after midnight; nothing for td-m2.
 * - c-payroll (SILVER, rm-12, ~60,000): a salary of 25,000 from an employer at another bank on the 15th of each month
 *   since April, card payments of 1,200 every other day and rent of 4,500 (under the leakage floor) on the 2nd. The salary stops after 15 August (the payroll moved
 *   to another bank); the customer goes on spending from the balance, nothing large ever leaves, and the last card
 *   payment is on day 24 → the churn score names the missing income and the fall of money in against the customer's
 *   usual: CHURN_RISK to rm-12 before the activity stops.
 * - c-house (SILVER, rm-12, ~87,000 saved, under GOLD): the same salary and everyday life; day 8, 60,000 (70%) to an
 *   account at another bank for a house, then salary and card payments go on → a LARGE_OUTFLOW for the risk team only
 *   (over half the balance, but not an exit: 30% of the normal balance stays), and no churn alert to the RM: paying
 *   for something is not leaving.
 * - c-depositor (GOLD, rm-11, no consent): no transaction ever; day 20, a 500,000 wealth product maturing on day 28
 *   without auto-rollover, already inside its window → one MATURITY to rm-11 at once. tidewatch knew nothing of the
 *   customer before: its state is made on the product event's (co-partitioned) partition, and with no balance seen,
 *   no downgrade risk or dormancy is read into it.
 */
export function scriptedMonth(): ScriptedMonth {
  const profiles = [
    profileOf('c-upgrade', { rmId: 'rm-1', servedTier: 'SILVER', marketingConsent: true }),
    profileOf('c-platinum', { rmId: 'rm-2', servedTier: 'GOLD', marketingConsent: true, riskAppetite: 'MEDIUM' }),
    profileOf('c-no-consent', { rmId: 'rm-2', servedTier: 'GOLD', marketingConsent: false, riskAppetite: 'MEDIUM' }),
    profileOf('c-spike', { rmId: 'rm-1', servedTier: 'SILVER', marketingConsent: true }),
    profileOf('c-pension', { rmId: 'rm-3', servedTier: 'SILVER', marketingConsent: false }),
    profileOf('c-handover', { rmId: 'rm-4', servedTier: 'PLATINUM', marketingConsent: true, riskAppetite: 'MEDIUM' }),
    profileOf('c-departed', { rmId: 'rm-6', servedTier: 'GOLD', marketingConsent: true, riskAppetite: 'HIGH' }),
    profileOf('c-idle', { rmId: 'rm-7', servedTier: 'PLATINUM', marketingConsent: true, riskAppetite: 'LOW' }),
    profileOf('c-not-interested', { rmId: 'rm-7', servedTier: 'PLATINUM', marketingConsent: true, riskAppetite: 'LOW' }),
    profileOf('c-household-a', { rmId: 'rm-8', servedTier: 'SILVER', marketingConsent: true, householdId: 'h-8' }),
    profileOf('c-household-b', { rmId: 'rm-8', servedTier: 'SILVER', marketingConsent: false, householdId: 'h-8' }),
    profileOf('c-maturity', { rmId: 'rm-10', servedTier: 'SILVER', marketingConsent: true }),
    profileOf('c-depositor', { rmId: 'rm-11', servedTier: 'GOLD', marketingConsent: false }),
    profileOf('c-payroll', { rmId: 'rm-12', servedTier: 'SILVER', marketingConsent: false }),
    profileOf('c-house', { rmId: 'rm-12', servedTier: 'SILVER', marketingConsent: false }),
  ];
  const byId = new Map(profiles.map((profile) => [profile.customerId, profile]));
  const updates: Array<{ day: number; profile: CustomerProfile }> = [
    { day: 10, profile: { ...byId.get('c-handover')!, rmId: 'rm-5', updatedAt: at(10, 9) } },
    { day: 12, profile: { ...byId.get('c-departed')!, rmStatus: 'DEPARTED', updatedAt: at(12, 9) } },
  ];

  const upgrade = new Account('c-upgrade', czk(21_000))
    .cards(-59, MONTH_DAYS, 7, czk(200))
    .monthlyInterest(-59, MONTH_DAYS, czk(10))
    .credit(3, czk(150_000), { category: 'DEPOSIT_MATURITY', counterpartyKind: 'OWN_ACCOUNT', channel: 'SYSTEM', initiatedBy: 'SYSTEM' });

  const platinum = new Account('c-platinum', czk(325_000)).cards(-29, MONTH_DAYS, 5, czk(500)).monthlyInterest(-29, MONTH_DAYS, czk(80));

  const noConsent = new Account('c-no-consent', czk(330_000)).cards(-29, MONTH_DAYS, 6, czk(400)).monthlyInterest(-29, MONTH_DAYS, czk(80));

  const spike = new Account('c-spike', czk(20_500))
    .cards(-59, MONTH_DAYS, 7, czk(150))
    .credit(5, czk(500_000), { counterpartyKind: 'OWN_ACCOUNT', category: 'TRANSFER' })
    .debit(6, czk(500_000), { counterpartyKind: 'OWN_ACCOUNT', category: 'TRANSFER' });

  const pension = new Account('c-pension', czk(70_000)).cards(-130, 0, 3, czk(1_700));
  for (const day of [-121, -91, -60, -29]) {
    pension.credit(day, czk(20_000), { category: 'PENSION', counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0710', channel: 'SYSTEM', initiatedBy: 'SYSTEM' });
  }
  pension.debit(5, czk(50_000), toOtherBank('0800'));

  const handover = new Account('c-handover', czk(800_000))
    .cards(-59, MONTH_DAYS, 4, czk(1_000))
    .monthlyInterest(-59, MONTH_DAYS, czk(200))
    .debit(15, czk(260_000), toOtherBank('2010'), 30);

  const departed = new Account('c-departed', czk(200_000)).cards(-59, MONTH_DAYS, 7, czk(800)).monthlyInterest(-59, MONTH_DAYS, czk(50));

  const idle = new Account('c-idle', czk(400_000)).cards(-199, MONTH_DAYS, 20, czk(1_500)).monthlyInterest(-199, MONTH_DAYS, czk(100));
  const notInterested = new Account('c-not-interested', czk(400_000)).cards(-169, MONTH_DAYS, 20, czk(1_500)).monthlyInterest(-169, MONTH_DAYS, czk(100));

  const householdA = new Account('c-household-a', czk(50_000)).cards(-59, MONTH_DAYS, 7, czk(200)).monthlyInterest(-59, MONTH_DAYS, czk(10));
  const householdB = new Account('c-household-b', czk(25_000))
    .cards(-58, MONTH_DAYS, 7, czk(150))
    .credit(3, czk(30_000), { category: 'DEPOSIT_MATURITY', counterpartyKind: 'OWN_ACCOUNT', channel: 'SYSTEM', initiatedBy: 'SYSTEM' });


  const maturing = new Account('c-maturity', czk(60_000)).cards(-59, MONTH_DAYS, 7, czk(300));

  /** A salaried life from April: salary on the 15th (from an employer at another bank), rent on the 2nd, cards. */
  const salaried = (customerId: string, opening: number, lastSalaryDay: number, lastCardDay: number) => {
    const account = new Account(customerId, opening).cards(-182, lastCardDay, 2, czk(1_200));
    for (const day of [-167, -137, -106, -76, -45, -15, 15]) {
      if (day <= lastSalaryDay) account.credit(day, czk(25_000), { category: 'SALARY', counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0300', channel: 'SYSTEM', initiatedBy: 'SYSTEM' });
    }
    for (const day of [-181, -151, -120, -90, -59, -29, 2]) {
      if (day <= lastCardDay) account.debit(day, czk(4_500), toOtherBank('0800'), 5);
    }
    return account;
  };
  const payroll = salaried('c-payroll', czk(60_000), -45, 24);
  const house = salaried('c-house', czk(85_000), MONTH_DAYS, MONTH_DAYS).debit(8, czk(60_000), toOtherBank('0600'), 30);
  const products: ProductEvent[] = [
    productEvent('c-maturity', 'td-m1', { principalMinor: czk(300_000), maturityDate: FIRST_DAY + 24, eventTime: at(2, 8) }),
    productEvent('c-maturity', 'td-m2', { principalMinor: czk(200_000), maturityDate: FIRST_DAY + 19, autoRollover: true, eventTime: at(2, 8, 1) }),
    productEvent('c-depositor', 'wp-d1', { productKind: 'WEALTH_PRODUCT', principalMinor: czk(500_000), maturityDate: FIRST_DAY + 27, eventTime: at(20, 9) }),
  ];

  const all = [upgrade, platinum, noConsent, spike, pension, handover, departed, idle, notInterested, householdA, householdB, maturing, payroll, house]
    .flatMap((account) => account.postings)
    .sort((left, right) => left.eventTime - right.eventTime || left.transactionId.localeCompare(right.transactionId));
  const monthStart = calendar.startOf(FIRST_DAY);
  const history = all.filter((transaction) => transaction.eventTime < monthStart);
  const days: MonthDay[] = [];
  for (let day = 1; day <= MONTH_DAYS; day += 1) {
    const dayOf = (instant: number) => calendar.dayOf(instant) === FIRST_DAY + day - 1;
    days.push({
      day,
      profiles: updates.filter((update) => update.day === day).map((update) => update.profile),
      products: products.filter((event) => dayOf(event.eventTime)),
      transactions: all.filter((transaction) => dayOf(transaction.eventTime)),
    });
  }
  const outcomes: Outcome[] = [
    { alertId: 'rm-7-campaign-call-2026-09-30', customerId: 'c-not-interested', kind: 'IDLE_FUNDS', outcome: 'NOT_INTERESTED', rmId: 'rm-7', recordedAt: at(0, 15) },
  ];
  return { profiles, history, outcomes, days };
}

/** Produces records of one role in a single request (so a fetch sees them all at once), Avro through the registry, keyed by customer. */
export async function produceAll(
  producer: Producer,
  registryUrl: string,
  topics: ServiceTopics,
  inputs: { profiles?: readonly CustomerProfile[]; transactions?: readonly Transaction[]; outcomes?: readonly Outcome[]; products?: readonly ProductEvent[] },
): Promise<void> {
  const registry = createSchemaRegistry(registryUrl);
  const ids = await registerSchemas(registryUrl, {
    transactions: topics.transactions,
    profiles: topics.profiles,
    outcomes: topics.outcomes,
    products: topics.products,
  });
  const send = async <T extends { customerId: string }>(topic: string, schemaId: number, records: readonly T[] | undefined) => {
    if (records === undefined || records.length === 0) return;
    const messages = await Promise.all(records.map(async (record) => ({ key: record.customerId, value: await registry.encode(schemaId, record) })));
    await producer.send({ topic, messages, acks: -1 });
  };
  await send(topics.profiles, ids.profiles, inputs.profiles);
  await send(topics.outcomes, ids.outcomes, inputs.outcomes);
  await send(topics.products, ids.products, inputs.products);
  await send(topics.transactions, ids.transactions, inputs.transactions);
}
