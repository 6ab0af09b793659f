import type { Activity } from './activity.ts';
import { DAY_MS, addMonths } from './calendar.ts';
import type { DayContext } from './day-context.ts';
import type { Draft } from './drafts.ts';
import { HOUR, credit, debit } from './drafts.ts';
import { timeBetween } from './everyday.ts';
import type { Customer, SaverFlows } from './model.ts';
import { major } from './model.ts';
import { depositEvent, openDeposit } from './products.ts';
import type { ProductLog } from './products.ts';

const DAYS_PER_MONTH = 30.4;
const DEPOSIT_RATE = 0.035;
const SAVINGS_ACCOUNT = 1;
/** Maturities are booked early in the morning, before the customer's day starts. */
const MATURITY_SECOND = 2 * HOUR;

const thousands = (amount: number) => Math.max(major(1_000), Math.round(amount / major(1_000)) * major(1_000));

/**
 * A term deposit matures. One placed with auto-rollover renews itself for another term (interest added to the
 * principal, no posting), and so does any deposit of a customer gone silent (the bank renews what nobody claims).
 * Otherwise the bank pays principal and interest into savings (a SYSTEM posting) and the saver decides: a new deposit
 * here within days, a fund on an investment platform (money leaving, often returning months later), or nothing for a
 * month or three (idle funds). After a churn the bank pays out whatever the deposit's terms, and nothing is re-placed.
 * Each renewal and payout is a product event (products.ts).
 */
function planMaturity(customer: Customer, saver: SaverFlows, context: DayContext, activity: Activity, drafts: Draft[], products: ProductLog): void {
  if (context.day !== saver.nextMaturityDay) return;
  const withInterest = Math.round(saver.deposit * (1 + (DEPOSIT_RATE * saver.termMonths) / 12));
  const at = context.day * DAY_MS + MATURITY_SECOND * 1000;
  if (activity.maturities === 'rolled_over' || (saver.autoRollover && activity.maturities === 'customer_decides')) {
    saver.deposit = withInterest;
    saver.nextMaturityDay = addMonths(context.day, saver.termMonths);
    products.events.push(depositEvent(customer, saver, 'ACTIVE', at, saver.nextMaturityDay, products.currency, products.scale));
    return;
  }
  drafts.push(credit({ second: MATURITY_SECOND, account: SAVINGS_ACCOUNT, amount: withInterest, category: 'DEPOSIT_MATURITY', counterpartyKind: 'OWN_ACCOUNT', channel: 'SYSTEM', initiatedBy: 'SYSTEM' }));
  products.events.push(depositEvent(customer, saver, 'CLOSED', at, context.day, products.currency, products.scale));
  saver.deposit = 0;
  saver.nextMaturityDay = -1;
  saver.depositId = null;
  if (activity.maturities !== 'customer_decides') return;
  const { random } = customer;
  const choice = random.weighted([['again', 0.6], ['platform', 0.2], ['idle', 0.2]] as const);
  saver.pendingPlacement =
    choice === 'again'
      ? { day: context.day + random.int(1, 5), amount: withInterest, where: 'OWN_ACCOUNT' }
      : choice === 'platform'
        ? { day: context.day + random.int(1, 7), amount: thousands(withInterest * random.between(0.4, 1)), where: 'INVESTMENT_PLATFORM' }
        : { day: context.day + random.int(30, 90), amount: withInterest, where: 'OWN_ACCOUNT' };
}

function planPlacement(customer: Customer, saver: SaverFlows, context: DayContext, activity: Activity, drafts: Draft[], products: ProductLog): void {
  const placement = saver.pendingPlacement;
  if (placement === null || placement.day > context.day) return;
  saver.pendingPlacement = null;
  if (placement.day < context.day || !activity.personaFlows) return; // the moment passed with the customer gone
  const amount = Math.min(placement.amount, Math.max(0, customer.balances[SAVINGS_ACCOUNT] ?? 0));
  if (amount <= 0) return;
  const second = timeBetween(customer.random, 8, 18);
  drafts.push(debit({ second, account: SAVINGS_ACCOUNT, amount, category: 'INVESTMENT_SUBSCRIPTION', counterpartyKind: placement.where, channel: 'ONLINE', funds: 'cap' }));
  if (placement.where === 'OWN_ACCOUNT') {
    // money placed while a deposit runs (a fund sold) is added to it for a new term: one contract per saver at a time
    if (saver.depositId === null) openDeposit(customer, saver, context.seed, context.day);
    saver.deposit += amount;
    saver.nextMaturityDay = addMonths(context.day, saver.termMonths);
    products.events.push(depositEvent(customer, saver, 'ACTIVE', context.day * DAY_MS + second * 1000, saver.nextMaturityDay, products.currency, products.scale));
  } else {
    saver.platformHolding += amount;
    saver.platformRedemptionDay = context.day + customer.random.int(90, 240);
  }
}

/** Fund units bought on the platform come back after some months, a little more or less than went in. */
function planPlatformRedemption(customer: Customer, saver: SaverFlows, context: DayContext, activity: Activity, drafts: Draft[]): void {
  if (context.day !== saver.platformRedemptionDay || !activity.personaFlows) return;
  const { random } = customer;
  const amount = Math.round(saver.platformHolding * random.between(0.92, 1.15));
  drafts.push(credit({ second: timeBetween(random, 8, 18), account: SAVINGS_ACCOUNT, amount, category: 'INVESTMENT_REDEMPTION', counterpartyKind: 'INVESTMENT_PLATFORM', channel: 'OTHER' }));
  saver.platformHolding = 0;
  saver.platformRedemptionDay = -1;
  saver.pendingPlacement = { day: context.day + random.int(1, 10), amount, where: 'OWN_ACCOUNT' };
}

/** Small fund purchases and sales now and then, at this bank or on a platform. */
function planFundDabbling(customer: Customer, saver: SaverFlows, drafts: Draft[]): void {
  const { random } = customer;
  if (random.chance(saver.subscriptionChance / DAYS_PER_MONTH)) {
    const where = random.chance(0.5) ? 'OWN_ACCOUNT' : 'INVESTMENT_PLATFORM';
    drafts.push(
      debit({ second: timeBetween(random, 8, 20), account: SAVINGS_ACCOUNT, amount: thousands(customer.typicalBalance * random.between(0.02, 0.06)), category: 'INVESTMENT_SUBSCRIPTION', counterpartyKind: where, channel: 'ONLINE' }),
    );
  }
  if (random.chance(saver.redemptionChance / DAYS_PER_MONTH)) {
    const where = random.chance(0.5) ? 'OWN_ACCOUNT' : 'INVESTMENT_PLATFORM';
    drafts.push(
      credit({ second: timeBetween(random, 8, 20), account: SAVINGS_ACCOUNT, amount: thousands(customer.typicalBalance * random.between(0.02, 0.08)), category: 'INVESTMENT_REDEMPTION', counterpartyKind: where, channel: 'OTHER' }),
    );
  }
}

export function planSaver(customer: Customer, context: DayContext, activity: Activity, drafts: Draft[], products: ProductLog): void {
  const saver = customer.saver;
  if (saver === null) return;
  planMaturity(customer, saver, context, activity, drafts, products);
  planPlacement(customer, saver, context, activity, drafts, products);
  planPlatformRedemption(customer, saver, context, activity, drafts);
  if (activity.personaFlows) planFundDabbling(customer, saver, drafts);
}
