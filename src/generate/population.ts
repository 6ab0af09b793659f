import type { CustomerProfile } from '../domain/profile.ts';
import { DAY_MS } from './calendar.ts';
import type { Customer, Persona } from './model.ts';
import { competitorBankCodes, major } from './model.ts';
import type { BankOptions, Period, ServedTiers } from './options.ts';
import { bankDefaults, servedTiersOf } from './options.ts';
import { assignPatterns, patternWeightsOf } from './patterns.ts';
import { depositIdOf, rollsOver } from './products.ts';
import type { Behaviour } from './personas.ts';
import { defaultPersonaMix, drawBehaviour } from './personas.ts';
import { Random, hashUnit } from './random.ts';
import { planRmChanges } from './rm-changes.ts';
import { RMS_PER_BRANCH, branchIdOf, rmIdOf } from './rms.ts';

/** Separate streams for decisions about the whole bank, so that a change in one does not shift the others. */
const HOUSEHOLD_STREAM = 0;
const LABEL_STREAM = 0xffff_ffff;
const RM_CHANGE_STREAM = 0xffff_fffe;
const customerStream = (index: number) => index + 1;

const padded = (prefix: string, number: number, width: number) => `${prefix}${String(number).padStart(width, '0')}`;

/** Chance that a household starts with more than one member: about 30% of customers end up sharing one. */
const SHARED_HOUSEHOLD_CHANCE = 0.16;
const UNASSIGNED_SILVER_SHARE = 0.1;
const MARKETING_CONSENT_SHARE = 0.7;

const riskAppetiteMix: Record<Persona, ReadonlyArray<readonly [CustomerProfile['riskAppetite'], number]>> = {
  salaried: [['LOW', 0.3], ['MEDIUM', 0.4], ['HIGH', 0.15], ['UNKNOWN', 0.15]],
  pensioner: [['LOW', 0.65], ['MEDIUM', 0.2], ['HIGH', 0.02], ['UNKNOWN', 0.13]],
  saver: [['LOW', 0.35], ['MEDIUM', 0.45], ['HIGH', 0.15], ['UNKNOWN', 0.05]],
  business_owner: [['LOW', 0.1], ['MEDIUM', 0.4], ['HIGH', 0.4], ['UNKNOWN', 0.1]],
  multi_banker: [['LOW', 0.2], ['MEDIUM', 0.45], ['HIGH', 0.25], ['UNKNOWN', 0.1]],
};

const monthlyFees = [29, 39, 49, 59, 79, 99, 149].map(major);

/** Keeps the semi-monthly choice apart from any other choice hashed from (seed, customer). */
const SEMI_MONTHLY_SALT = 0x5a1a;

/** The highest tier whose floor the balance (minor units, at the bank's scale) reaches. */
export function tierOf(balance: number, tiers: ServedTiers): string {
  let served = tiers[0]?.name ?? 'SILVER';
  for (const tier of tiers) if (balance >= tier.floorMinor) served = tier.name;
  return served;
}

/** A modelled amount (CZK magnitudes) at the bank's scale: what records carry. */
export const scaled = (amount: number, scale: number): number => (scale === 1 ? amount : Math.round(amount * scale));

const personaMixOf = (options: BankOptions): ReadonlyArray<readonly [Persona, number]> =>
  options.personaMix === undefined ? defaultPersonaMix : defaultPersonaMix.map(([persona]) => [persona, options.personaMix?.[persona] ?? 0] as const);

/** Opening balances: the current account at its usual level, the rest in savings (70/30 over two). */
function openingBalances(behaviour: Behaviour): number[] {
  const current = Math.min(behaviour.typicalBalance, behaviour.currentTarget);
  const rest = behaviour.typicalBalance - current;
  if (behaviour.accountCount === 1) return [behaviour.typicalBalance];
  if (behaviour.accountCount === 2) return [current, rest];
  const first = Math.round(rest * 0.7);
  return [current, first, rest - first];
}

function createCustomer(index: number, options: BankOptions, period: Period, idWidth: number): Customer {
  const random = Random.stream(options.seed, customerStream(index));
  const persona = random.weighted(personaMixOf(options));
  const behaviour = drawBehaviour(persona, random);
  // hashed, not drawn: a bank without semi-monthly salaries draws exactly what it drew before they existed
  const semiMonthlyShare = options.salaryCycle?.semiMonthlyShare ?? 0;
  const income =
    behaviour.income?.category === 'SALARY' && semiMonthlyShare > 0 && hashUnit(options.seed, index, SEMI_MONTHLY_SALT) < semiMonthlyShare
      ? { ...behaviour.income, semiMonthly: true }
      : behaviour.income;
  const scale = options.balanceScale ?? 1;
  const id = padded('C', index + 1, idWidth);
  const balances = openingBalances(behaviour);
  // most relationships are young, a few go back decades
  const tenureYears = persona === 'pensioner' ? random.between(3, 40) : 0.2 + 20 * random.next() ** 2;
  const profile: CustomerProfile = {
    customerId: id,
    rmId: null,
    branchId: 'BR001',
    householdId: null,
    servedTier: tierOf(scaled(behaviour.typicalBalance, scale), servedTiersOf(options)),
    riskAppetite: random.weighted(riskAppetiteMix[persona]),
    marketingConsent: random.chance(MARKETING_CONSENT_SHARE),
    relationshipStartDay: period.startDay - Math.round(tenureYears * 365),
    status: 'ACTIVE',
    updatedAt: period.startDay * DAY_MS,
    rmStatus: 'ACTIVE',
  };
  return {
    index,
    id,
    persona,
    random,
    accountIds: balances.map((_, account) => `${id}-${account + 1}`),
    balances,
    stamped: balances.map((balance) => scaled(balance, scale)),
    typicalBalance: behaviour.typicalBalance,
    currentTarget: behaviour.currentTarget,
    income,
    hasEmployer: behaviour.hasEmployer,
    housing: behaviour.housing,
    utilities: behaviour.utilities,
    spending: behaviour.spending,
    monthlyFee: random.pick(monthlyFees),
    otherBankCode: random.pick(competitorBankCodes),
    business: behaviour.business,
    saver:
      behaviour.saver === null
        ? null
        : {
            ...behaviour.saver,
            // placed before the period: matures somewhere within its first term
            nextMaturityDay: period.startDay + random.int(1, behaviour.saver.termMonths * 30),
            depositId: depositIdOf(id, 1),
            autoRollover: rollsOver(options.seed, index, period.startDay),
            depositsOpened: 1,
            pendingPlacement: null,
            platformHolding: 0,
            platformRedemptionDay: -1,
          },
    multiBanking: behaviour.multiBanking,
    contribution: null,
    paydayThisMonth: -1,
    secondPaydayThisMonth: -1,
    profile,
    plan: null,
  };
}

/**
 * Households of two or three neighbouring customers (about 30% of customers live in one), each served by one RM;
 * RMs sit four to a branch. Some silver households have no RM. In a household, the first member with an income
 * sends the second a monthly contribution.
 */
function formHouseholds(customers: Customer[], options: BankOptions, idWidth: number): number {
  const random = Random.stream(options.seed, HOUSEHOLD_STREAM);
  const lowestTier = servedTiersOf(options)[0]?.name;
  let households = 0;
  for (let first = 0; first < customers.length; ) {
    const size = random.chance(SHARED_HOUSEHOLD_CHANCE) ? random.weighted([[2, 0.8], [3, 0.2]] as const) : 1;
    const members = customers.slice(first, first + size);
    const rm = random.int(0, options.rms - 1);
    // drawn whatever the tiers, so that a bank's scale or tier floors change no household's draws
    const unassignedDraw = random.chance(UNASSIGNED_SILVER_SHARE);
    const unassigned = members.every((member) => member.profile.servedTier === lowestTier) && unassignedDraw;
    const householdId = padded('H', first + 1, idWidth);
    for (const member of members) {
      member.profile = {
        ...member.profile,
        rmId: unassigned ? null : rmIdOf(rm),
        branchId: branchIdOf(rm),
        householdId,
      };
    }
    const [payer, payee] = members;
    if (payer !== undefined && payee !== undefined && payer.income !== null) {
      payer.contribution = {
        payee: payee.index,
        amount: Math.round((payer.income.amount * random.between(0.08, 0.2)) / major(100)) * major(100),
        daysAfterPayday: random.int(1, 3),
      };
    }
    households += 1;
    first += members.length;
  }
  return households;
}

export interface Population {
  customers: Customer[];
  households: number;
  branches: number;
  /** RM departures and reassignments during the period, in `updatedAt` order (rm-changes.ts). */
  rmChanges: CustomerProfile[];
}

export function createPopulation(options: BankOptions, period: Period): Population {
  const idWidth = Math.max(7, String(options.customers).length);
  const customers = Array.from({ length: options.customers }, (_, index) => createCustomer(index, options, period, idWidth));
  const households = formHouseholds(customers, options, idWidth);
  const scale = options.balanceScale ?? 1;
  // a small balance is below the bank's first tier floor above 0: below every money floor a rule sets for tiers
  const firstFloor = servedTiersOf(options).find((tier) => tier.floorMinor > 0)?.floorMinor ?? Number.POSITIVE_INFINITY;
  assignPatterns(
    customers,
    {
      shares: { churn: options.churnShare, grow: options.growShare, trap: options.trapShare ?? 0 },
      weights: patternWeightsOf(options.patternWeights),
      seed: options.seed,
      period,
      driftDays: options.salaryCycle?.driftDays ?? bankDefaults.salaryCycle.driftDays,
      smallBalanceBelow: firstFloor / scale,
    },
    Random.stream(options.seed, LABEL_STREAM),
  );
  const rmChanges = planRmChanges(customers, options.rms, period, Random.stream(options.seed, RM_CHANGE_STREAM));
  return { customers, households, branches: Math.ceil(options.rms / RMS_PER_BRANCH), rmChanges };
}
