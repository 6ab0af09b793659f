import type { CustomerProfile } from '../src/domain/profile.ts';
import { between, integerBetween, pick, weighted, wholeCrowns } from './random.ts';
import type { Random } from './random.ts';

/** A retail customer of the synthetic bank: reference data plus what drives their postings. */
export interface CustomerPlan {
  index: number;
  customerId: string;
  profile: CustomerProfile;
  currentAccount: string;
  /** Most wealthier customers keep a savings account; interest is posted there monthly. */
  savingsAccount: string | null;
  openingCurrentMinor: number;
  openingSavingsMinor: number;
  /** Regular monthly income, credited by the payer's bank; null for the few without one. */
  income: { category: 'SALARY' | 'PENSION'; dayOfMonth: number; amountMinor: number; fromOtherBank: boolean } | null;
  /** Relative weight of everyday activity (card payments, transfers): a few customers do most of it. */
  activity: number;
}

type Tier = 'SILVER' | 'GOLD' | 'PLATINUM' | 'BLACK_GOLD';

const TIER_MIX: ReadonlyArray<readonly [Tier, number]> = [
  ['SILVER', 60],
  ['GOLD', 25],
  ['PLATINUM', 12],
  ['BLACK_GOLD', 3],
];

/** CZK ranges per tier (whole crowns), converted to minor units where used. */
const CURRENT_BALANCE_CZK: Record<Tier, [number, number]> = {
  SILVER: [15_000, 120_000],
  GOLD: [100_000, 600_000],
  PLATINUM: [500_000, 2_500_000],
  BLACK_GOLD: [2_000_000, 10_000_000],
};
const MONTHLY_INCOME_CZK: Record<Tier, [number, number]> = {
  SILVER: [25_000, 50_000],
  GOLD: [50_000, 100_000],
  PLATINUM: [100_000, 250_000],
  BLACK_GOLD: [250_000, 600_000],
};
const SAVINGS_SHARE: Record<Tier, number> = { SILVER: 0.35, GOLD: 0.6, PLATINUM: 0.75, BLACK_GOLD: 0.85 };

const RM_COUNT = 250;
const BRANCH_COUNT = 40;
const RELATIONSHIP_START_DAYS = [12_784, 20_300] as const; // 2005-01-01 .. 2025-07-31

const customerIdOf = (index: number) => `cust-${String(index).padStart(6, '0')}`;

export function planCustomers(random: Random, count: number, profileUpdatedAt: number): CustomerPlan[] {
  const plans: CustomerPlan[] = [];
  for (let index = 0; index < count; index += 1) {
    const customerId = customerIdOf(index);
    const tier = weighted(random, TIER_MIX);
    const hasRm = random() < (tier === 'SILVER' ? 0.85 : 0.97);
    const hasSavings = random() < SAVINGS_SHARE[tier];
    const [lowBalance, highBalance] = CURRENT_BALANCE_CZK[tier];
    const openingCurrentMinor = wholeCrowns(between(random, lowBalance, highBalance) * 100);
    const incomeKind = weighted(random, [
      ['SALARY', 85],
      ['PENSION', 10],
      ['NONE', 5],
    ] as const);
    const [lowIncome, highIncome] = MONTHLY_INCOME_CZK[tier];
    plans.push({
      index,
      customerId,
      profile: {
        customerId,
        rmId: hasRm ? `rm-${String(integerBetween(random, 1, RM_COUNT)).padStart(3, '0')}` : null,
        branchId: `branch-${String(integerBetween(random, 1, BRANCH_COUNT)).padStart(2, '0')}`,
        householdId: random() < 0.3 ? `hh-${Math.floor(index / 2)}` : null,
        servedTier: tier,
        riskAppetite: pick(random, ['LOW', 'MEDIUM', 'HIGH', 'UNKNOWN'] as const),
        marketingConsent: random() < 0.8,
        relationshipStartDay: random() < 0.95 ? integerBetween(random, ...RELATIONSHIP_START_DAYS) : null,
        status: random() < 0.98 ? 'ACTIVE' : 'DORMANT',
        updatedAt: profileUpdatedAt,
        rmStatus: 'ACTIVE',
      },
      currentAccount: `${customerId}-cur`,
      savingsAccount: hasSavings ? `${customerId}-sav` : null,
      openingCurrentMinor,
      openingSavingsMinor: hasSavings ? wholeCrowns(openingCurrentMinor * between(random, 0.5, 3)) : 0,
      income:
        incomeKind === 'NONE'
          ? null
          : {
              category: incomeKind,
              dayOfMonth: incomeKind === 'PENSION' ? integerBetween(random, 2, 22) : pick(random, [10, 12, 15, 15, 20, 25, 28]),
              amountMinor: wholeCrowns(between(random, lowIncome, highIncome) * (incomeKind === 'PENSION' ? 0.45 : 1) * 100),
              fromOtherBank: random() < 0.6,
            },
      // squared uniform: a long tail of very active customers and many quiet ones
      activity: 0.1 + random() ** 2 * 3,
    });
  }
  return plans;
}
