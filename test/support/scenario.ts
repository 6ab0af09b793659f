import type { CustomerProfile } from '../../src/domain/profile.ts';
import type { Transaction } from '../../src/domain/transaction.ts';

export const DAY = 86_400_000;
/** The scripted month starts here (09:00 UTC = 10:00 in Prague, the default rules' time zone). */
export const MONTH_START = Date.UTC(2026, 9, 1, 9);

export function profile(customerId: string, overrides: Partial<CustomerProfile> = {}): CustomerProfile {
  return {
    customerId,
    rmId: 'rm-1',
    branchId: 'branch-prague-1',
    householdId: null,
    servedTier: 'SILVER',
    riskAppetite: 'UNKNOWN',
    marketingConsent: true,
    relationshipStartDay: 12_000,
    status: 'ACTIVE',
    updatedAt: MONTH_START - 30 * DAY,
    rmStatus: 'ACTIVE',
    ...overrides,
  };
}

let sequence = 0;

/** A posting on `day` of the scripted month; amounts in CZK minor units (haléř). */
export function posting(customerId: string, day: number, fields: Partial<Transaction> & Pick<Transaction, 'amountMinor' | 'direction' | 'balanceAfterMinor'>): Transaction {
  sequence += 1;
  return {
    transactionId: `${customerId}-tx-${sequence}`,
    accountId: `${customerId}-current`,
    customerId,
    currency: 'CZK',
    eventTime: MONTH_START + day * DAY,
    channel: 'ONLINE',
    category: 'TRANSFER',
    counterpartyKind: 'NONE',
    counterpartyBankCode: null,
    initiatedBy: 'CUSTOMER',
    ...fields,
  };
}

/** A bank posting (interest) that establishes a balance without being customer activity or a jump. */
export const interest = (customerId: string, day: number, balanceAfterMinor: number) =>
  posting(customerId, day, { amountMinor: 100_00, direction: 'CREDIT', balanceAfterMinor, category: 'INTEREST', channel: 'SYSTEM', initiatedBy: 'SYSTEM' });

/**
 * DOMAIN.md's cases for a handful of customers, with the alerts each must raise under rules/default.yaml:
 * Served tiers match the balances, so that no tier upgrade is due (issue 4's scripted month covers those).
 * - c-plat (PLATINUM, rm-1, known since 11 days before the month: an exit needs a month of the customer's own):
 *   near-total withdrawal to another bank on day 20 → URGENT LARGE_OUTFLOW to rm-1 and risk.
 * - c-gold (GOLD, rm-2): 120,000 + 120,000 CZK from another bank in two tranches → CUMULATIVE_INFLOW to rm-2 and campaign.
 * - c-noconsent (SILVER, rm-1, no marketing consent): 150,000 CZK from another bank → LARGE_INFLOW to rm-1 only.
 * - c-orphan (no profile): 120,000 CZK cash withdrawal → LARGE_OUTFLOW to the risk feed (not an exit), routed to the
 *   unassigned queue.
 * - c-leak (SILVER, rm-2): 8,000 CZK to another bank, below alert thresholds → LEAKAGE to the risk feed only.
 * - c-quiet (SILVER, rm-2): card payments only → nothing.
 */
export function scriptedMonth() {
  const profiles = [
    profile('c-plat', { servedTier: 'PLATINUM', rmId: 'rm-1' }),
    profile('c-gold', { servedTier: 'GOLD', rmId: 'rm-2' }),
    profile('c-noconsent', { rmId: 'rm-1', marketingConsent: false }),
    profile('c-leak', { rmId: 'rm-2', servedTier: 'PLATINUM' }),
    profile('c-quiet', { rmId: 'rm-2' }),
  ];
  const transactions: Transaction[] = [
    interest('c-plat', -11, 900_000_00),
    interest('c-gold', 1, 150_000_00),
    interest('c-noconsent', 1, 10_000_00),
    interest('c-orphan', 1, 200_000_00),
    interest('c-leak', 1, 500_000_00),
    interest('c-quiet', 1, 30_000_00),
    posting('c-quiet', 3, { amountMinor: 200_00, direction: 'DEBIT', balanceAfterMinor: 29_800_00, category: 'CARD', channel: 'CARD' }),
    posting('c-gold', 10, { amountMinor: 120_000_00, direction: 'CREDIT', balanceAfterMinor: 270_000_00, counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0800' }),
    posting('c-gold', 12, { amountMinor: 120_000_00, direction: 'CREDIT', balanceAfterMinor: 390_000_00, counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0800' }),
    posting('c-noconsent', 14, { amountMinor: 150_000_00, direction: 'CREDIT', balanceAfterMinor: 160_000_00, counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '2010' }),
    posting('c-leak', 15, { amountMinor: 8_000_00, direction: 'DEBIT', balanceAfterMinor: 492_000_00, counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '2010' }),
    posting('c-quiet', 17, { amountMinor: 350_00, direction: 'DEBIT', balanceAfterMinor: 29_450_00, category: 'CARD', channel: 'CARD' }),
    posting('c-orphan', 18, { amountMinor: 120_000_00, direction: 'DEBIT', balanceAfterMinor: 80_000_00, counterpartyKind: 'CASH', category: 'CASH', channel: 'BRANCH' }),
    posting('c-plat', 20, { amountMinor: 850_000_00, direction: 'DEBIT', balanceAfterMinor: 50_000_00, counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0300' }),
  ];
  return { profiles, transactions };
}

/** The random stream starts here: old enough that its last records are not in the future. */
export const STREAM_START = Date.UTC(2024, 0, 1, 9);

/** A deterministic pseudo-random stream (mulberry32) of everyday postings for many customers, with a few large moves. */
export function randomStream(seed: number, customers: number, count: number): Transaction[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const balances = new Array<number>(customers).fill(0).map(() => Math.round(20_000_00 + random() * 500_000_00));
  const kinds = ['NONE', 'NONE', 'NONE', 'CASH', 'OTHER_BANK', 'INVESTMENT_PLATFORM', 'SAME_BANK_CUSTOMER'] as const;
  const transactions: Transaction[] = [];
  for (let index = 0; index < count; index += 1) {
    const customer = Math.floor(random() * customers);
    const customerId = `r-${customer}`;
    const credit = random() < 0.45;
    const large = random() < 0.01;
    const amount = Math.round((large ? 50_000_00 + random() * 300_000_00 : 50_00 + random() * 5_000_00) / 100) * 100;
    const balance = credit ? balances[customer]! + amount : Math.max(0, balances[customer]! - amount);
    balances[customer] = balance;
    const system = random() < 0.05;
    transactions.push({
      transactionId: `r-${seed}-${index}`,
      accountId: `${customerId}-${random() < 0.8 ? 'current' : 'savings'}`,
      customerId,
      amountMinor: amount,
      currency: 'CZK',
      direction: credit ? 'CREDIT' : 'DEBIT',
      balanceAfterMinor: balance,
      // about 40 minutes apart, now and then a few hours late
      eventTime: STREAM_START + index * 2_400_000 - (random() < 0.02 ? Math.round(random() * 6 * 3_600_000) : 0),
      channel: system ? 'SYSTEM' : 'MOBILE',
      category: system ? 'INTEREST' : 'TRANSFER',
      counterpartyKind: system ? 'NONE' : kinds[Math.floor(random() * kinds.length)]!,
      counterpartyBankCode: null,
      initiatedBy: system ? 'SYSTEM' : 'CUSTOMER',
    });
  }
  return transactions;
}
