import type { ProductEvent } from '../domain/product-event.ts';
import type { CustomerProfile } from '../domain/profile.ts';
import type { Transaction } from '../domain/transaction.ts';
import { activityOn } from './activity.ts';
import { planBankPostings } from './bank-postings.ts';
import { planBusiness } from './business.ts';
import { DAY_MS } from './calendar.ts';
import type { DayContext } from './day-context.ts';
import { dayContext } from './day-context.ts';
import type { Draft } from './drafts.ts';
import { planIncome, planSpending, planStandingOrders, planSweeps } from './everyday.ts';
import type { Label } from './labels.ts';
import { outcomeOf } from './labels.ts';
import { postDay } from './ledger.ts';
import type { Customer } from './model.ts';
import type { BankOptions, Period } from './options.ts';
import { bankDefaults, periodOf } from './options.ts';
import { planPatternPostings } from './pattern-postings.ts';
import { paydayIn, secondPaydayIn } from './paydays.ts';
import { endDayOf } from './patterns.ts';
import type { Population } from './population.ts';
import { createPopulation } from './population.ts';
import { depositsHeldAtStart } from './products.ts';
import type { ProductLog } from './products.ts';
import { planSaver } from './saver.ts';
import type { DeliverTo } from './side-flows.ts';
import { planHouseholdContribution, planLifeEvents, planMultiBanking } from './side-flows.ts';

/** One day of the bank: every customer's postings, product events and profile updates, each sorted by event time. */
export interface PostingsOfDay {
  day: number;
  transactions: Transaction[];
  products: ProductEvent[];
  /** RM departures and reassignments of the day, in `updatedAt` order. */
  profileUpdates: CustomerProfile[];
}

/**
 * The synthetic bank: its customers are created (and their patterns decided) up front; postings are produced one
 * day at a time, so memory holds the customers and a single day, however long the period.
 */
export class SyntheticBank {
  readonly period: Period;
  private readonly population: Population;
  private consumed = false;

  constructor(readonly options: BankOptions) {
    this.period = periodOf(options);
    this.population = createPopulation(options, this.period);
  }

  get customers(): readonly Customer[] {
    return this.population.customers;
  }

  get households(): number {
    return this.population.households;
  }

  get branches(): number {
    return this.population.branches;
  }

  /** Every customer's reference data as of the first day, in customer order. */
  profiles(): CustomerProfile[] {
    return this.population.customers.map((customer) => customer.profile);
  }

  /** Every RM departure and reassignment of the period, in `updatedAt` order (decided up front, like the labels). */
  profileUpdates(): readonly CustomerProfile[] {
    return this.population.rmChanges;
  }

  /** One label per labelled customer, in customer order. */
  labels(): Label[] {
    return this.population.customers.flatMap((customer) =>
      customer.plan === null
        ? []
        : [
            {
              customerId: customer.id,
              outcome: outcomeOf(customer.plan.pattern),
              pattern: customer.plan.pattern,
              date: customer.plan.day * DAY_MS,
              endDate: nullableMillis(endDayOf(customer.plan)),
            },
          ],
    );
  }

  /** The postings, day by day. Balances live in the customers, so the days can be walked only once. */
  *days(): Generator<PostingsOfDay> {
    if (this.consumed) throw new Error('the bank has already been generated: create a new one for another pass');
    this.consumed = true;
    const customers = this.population.customers;
    const pending: Draft[][] = customers.map(() => []);
    const deliver: DeliverTo = (payee, draft) => pending[payee]?.push(draft);
    const rmChanges = this.population.rmChanges;
    let nextRmChange = 0;
    const scale = this.options.balanceScale ?? bankDefaults.balanceScale;
    const stamps = this.options.balanceStamps ?? bankDefaults.balanceStamps;
    for (let day = this.period.startDay; day < this.period.endDay; day += 1) {
      const context = dayContext(day, this.options.seed);
      if (context.isFirstOfMonth || day === this.period.startDay) this.schedulePaydays(context);
      const payeeActive = (payee: number) => activityOn(customers[payee]?.plan ?? null, day).personaFlows;
      const products: ProductLog = {
        currency: this.options.currency,
        scale,
        events: day === this.period.startDay ? depositsHeldAtStart(customers, this.period, this.options.currency, scale) : [],
      };
      for (const customer of customers) {
        planCustomerDay(customer, context, pending[customer.index] ?? [], payeeActive, deliver, products);
      }
      const transactions: Transaction[] = [];
      const postingDay = { day, dateTag: context.dateTag, currency: this.options.currency, scale, stamps, seed: this.options.seed };
      for (const customer of customers) {
        const drafts = pending[customer.index] ?? [];
        postDay(customer, drafts, postingDay, transactions);
        drafts.length = 0;
      }
      // stable: postings at the same instant keep customer order, and within a customer their posting order
      transactions.sort((left, right) => left.eventTime - right.eventTime);
      products.events.sort((left, right) => left.eventTime - right.eventTime);
      const dayEnds = (day + 1) * DAY_MS;
      const firstRmChange = nextRmChange;
      while (nextRmChange < rmChanges.length && rmChanges[nextRmChange]!.updatedAt < dayEnds) nextRmChange += 1;
      yield { day, transactions, products: products.events, profileUpdates: rmChanges.slice(firstRmChange, nextRmChange) };
    }
  }

  private schedulePaydays(context: DayContext): void {
    const driftDays = this.options.salaryCycle?.driftDays ?? bankDefaults.salaryCycle.driftDays;
    for (const customer of this.population.customers) {
      customer.paydayThisMonth = paydayIn(customer, this.options.seed, context.year, context.month, driftDays) ?? -1;
      customer.secondPaydayThisMonth = secondPaydayIn(customer, this.options.seed, context.year, context.month, driftDays) ?? -1;
    }
  }
}

const nullableMillis = (day: number | null): number | null => (day === null ? null : day * DAY_MS);

function planCustomerDay(
  customer: Customer,
  context: DayContext,
  drafts: Draft[],
  payeeActive: (payee: number) => boolean,
  deliver: DeliverTo,
  products: ProductLog,
): void {
  const activity = activityOn(customer.plan, context.day);
  planBankPostings(customer, context, drafts);
  planIncome(customer, context, activity, drafts);
  planStandingOrders(customer, context, activity, drafts);
  planSpending(customer, context, activity, drafts);
  planBusiness(customer, context, activity, drafts);
  planSaver(customer, context, activity, drafts, products);
  planMultiBanking(customer, context, activity, drafts);
  planHouseholdContribution(customer, context, activity, payeeActive, drafts, deliver);
  planLifeEvents(customer, activity, drafts);
  planSweeps(customer, context, activity, drafts);
  planPatternPostings(customer, context, drafts);
}
