import type { Category, CounterpartyKind } from '../domain/transaction.ts';
import type { CustomerProfile } from '../domain/profile.ts';
import type { PatternPlan } from './patterns.ts';
import type { Random } from './random.ts';

export const personas = ['salaried', 'pensioner', 'saver', 'business_owner', 'multi_banker'] as const;
export type Persona = (typeof personas)[number];

/** A monthly payment the customer set up once: rent, mortgage, utilities. */
export interface StandingOrder {
  amount: number;
  dayOfMonth: number;
  category: Category;
  counterpartyKind: CounterpartyKind;
  bankCode: string | null;
}

/** Salary or pension, paid on a fixed day of the month (a salary drifts a day or few; never on a weekend). */
export interface Income {
  category: 'SALARY' | 'PENSION';
  /** The month's income, paid in one or (semi-monthly) two halves. */
  amount: number;
  dayOfMonth: number;
  /** Paid half on `dayOfMonth` and half about two weeks apart from it. */
  semiMonthly: boolean;
}

/** Day-to-day spending from the current account: expected counts per month and mean amounts (minor units). */
export interface Spending {
  cardPerMonth: number;
  cardMean: number;
  cashPerMonth: number;
  cashMean: number;
  /** Transfers to people: family, friends, tradesmen. */
  transfersPerMonth: number;
  transferMean: number;
  /** Share of the customer's own transfers made at a branch rather than online (pensioners go to the branch). */
  branchShare: number;
}

/** A business owner's account is the business: customers pay in, suppliers, staff and the tax office are paid. */
export interface BusinessFlows {
  inflowsPerMonth: number;
  inflowMean: number;
  paymentsPerMonth: number;
  paymentMean: number;
  payrollDayOfMonth: number;
  employees: number;
  wageMean: number;
  quarterlyTax: number;
}

/** A saver's term deposit lives outside the streamed accounts; its maturities and placements are postings. */
export interface SaverFlows {
  termMonths: number;
  /** The deposit currently placed (minor units), 0 while the money sits in savings. */
  deposit: number;
  /** When the placed deposit matures, -1 while none is placed. */
  nextMaturityDay: number;
  /** The placed deposit's contract (its product events name it), null while none is placed. */
  depositId: string | null;
  /** Whether the placed deposit renews itself at maturity (no posting) or is paid out into savings. */
  autoRollover: boolean;
  /** Deposits placed so far, the one held at the start included: numbers the contracts. */
  depositsOpened: number;
  /** Money the saver has decided to put away and when: into a new deposit here, or into a fund on a platform. */
  pendingPlacement: { day: number; amount: number; where: 'OWN_ACCOUNT' | 'INVESTMENT_PLATFORM' } | null;
  /** What sits on the platform, and when it comes back (-1: not planned). */
  platformHolding: number;
  platformRedemptionDay: number;
  /** Chance per month of buying into a fund (here or on a platform), and of selling some. */
  subscriptionChance: number;
  redemptionChance: number;
}

/** A multi-banker keeps part of their money at another bank, moved there every month: ordinary, not churn. */
export interface MultiBanking {
  shareOfIncome: number;
  daysAfterPayday: number;
  returnChance: number;
}

/** A monthly transfer to another member of the household (a customer of this bank too). */
export interface HouseholdContribution {
  payee: number;
  amount: number;
  daysAfterPayday: number;
}

export interface Customer {
  readonly index: number;
  readonly id: string;
  readonly persona: Persona;
  /** The customer's own stream: their history does not depend on anyone else's draws. */
  readonly random: Random;
  readonly accountIds: readonly string[];
  /** Minor units per account; 0 is the current account, the others are savings. */
  readonly balances: number[];
  /** The same balances as records stamp them, in minor units of the bank's scale (see BankOptions.balanceScale). */
  readonly stamped: number[];
  /** The total balance the customer keeps with the bank at the start (what the served tier is based on). */
  readonly typicalBalance: number;
  /** The current account's usual level; above it money is swept to savings, well below it topped up. */
  readonly currentTarget: number;
  readonly income: Income | null;
  readonly hasEmployer: boolean;
  readonly housing: StandingOrder | null;
  readonly utilities: StandingOrder | null;
  readonly spending: Spending;
  readonly monthlyFee: number;
  /** The competitor this customer knows: where their other account is, where money goes when it leaves. */
  readonly otherBankCode: string;
  readonly business: BusinessFlows | null;
  readonly saver: SaverFlows | null;
  readonly multiBanking: MultiBanking | null;
  contribution: HouseholdContribution | null;
  /** This month's payday (the day), -1 without an income; set at the start of each month. */
  paydayThisMonth: number;
  /** A semi-monthly salary's other payday this month, -1 otherwise. */
  secondPaydayThisMonth: number;
  profile: CustomerProfile;
  plan: PatternPlan | null;
}

/** Whole currency units to minor units (the generator thinks in CZK; records carry haléř). */
export const major = (amount: number): number => Math.round(amount * 100);

/** Czech bank codes of competitors (other banks); 0710 is the central bank, where taxes are paid. */
export const competitorBankCodes = ['0100', '0300', '0600', '0800', '2010', '2700', '3030', '5500', '6210'] as const;
export const taxOfficeBankCode = '0710';
