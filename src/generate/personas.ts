import type { BusinessFlows, Income, MultiBanking, Persona, SaverFlows, Spending, StandingOrder } from './model.ts';
import { competitorBankCodes, major } from './model.ts';
import type { Random } from './random.ts';

/** How common each persona is among the bank's customers, unless the bank's options say otherwise. */
export const defaultPersonaMix: ReadonlyArray<readonly [Persona, number]> = [
  ['salaried', 0.42],
  ['pensioner', 0.2],
  ['saver', 0.12],
  ['business_owner', 0.1],
  ['multi_banker', 0.16],
];

/** What a persona draws for one customer: money levels and the rhythm of their month. */
export interface Behaviour {
  typicalBalance: number;
  accountCount: number;
  currentTarget: number;
  income: Income | null;
  hasEmployer: boolean;
  housing: StandingOrder | null;
  utilities: StandingOrder | null;
  spending: Spending;
  business: BusinessFlows | null;
  saver: Pick<SaverFlows, 'termMonths' | 'deposit' | 'subscriptionChance' | 'redemptionChance'> | null;
  multiBanking: MultiBanking | null;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

function salary(random: Random, medianMajor: number): Income {
  return { category: 'SALARY', amount: major(clamp(random.logNormal(medianMajor, 0.4), 18_000, 400_000)), dayOfMonth: random.int(5, 25), semiMonthly: false };
}

function pension(random: Random, medianMajor: number): Income {
  return { category: 'PENSION', amount: major(clamp(random.logNormal(medianMajor, 0.2), 10_000, 60_000)), dayOfMonth: random.int(5, 25), semiMonthly: false };
}

/** Rent to a landlord (at another bank or this one), a mortgage instalment, or neither (owns the home outright). */
function housingFor(random: Random, income: number, rentWeight: number, mortgageWeight: number): StandingOrder | null {
  const kind = random.weighted([['rent', rentWeight], ['mortgage', mortgageWeight], ['none', 1 - rentWeight - mortgageWeight]] as const);
  if (kind === 'none') return null;
  if (kind === 'rent') {
    const landlordHere = random.chance(0.4);
    return {
      amount: major(Math.round((income / 100) * random.between(0.18, 0.32))),
      dayOfMonth: random.int(1, 5),
      category: 'TRANSFER',
      counterpartyKind: landlordHere ? 'SAME_BANK_CUSTOMER' : 'OTHER_BANK',
      bankCode: landlordHere ? null : random.pick(competitorBankCodes),
    };
  }
  const mortgageHere = random.chance(0.7);
  return {
    amount: major(Math.round((income / 100) * random.between(0.2, 0.35))),
    dayOfMonth: random.int(15, 20),
    category: 'LOAN_REPAYMENT',
    // a loan at this bank is the customer's own (loan) account; one at another bank is money leaving every month
    counterpartyKind: mortgageHere ? 'OWN_ACCOUNT' : 'OTHER_BANK',
    bankCode: mortgageHere ? null : random.pick(competitorBankCodes),
  };
}

/** Energy and telecoms, paid to billers' accounts at other banks; small enough to stay under the leakage floor. */
function utilitiesFor(random: Random, income: number, share: number): StandingOrder {
  return {
    amount: major(clamp(Math.round((income / 100) * share), 800, 4_800)),
    dayOfMonth: random.int(10, 20),
    category: 'TRANSFER',
    counterpartyKind: 'OTHER_BANK',
    bankCode: random.pick(competitorBankCodes),
  };
}

interface SpendingShape {
  cardShare: number;
  cashShare: number;
  cardPerMonth: number;
  cashPerMonth: number;
  transfersPerMonth: number;
  branchShare: number;
}

/** Splits what is left of the monthly budget after fixed payments into card, cash and transfers to people. */
function spendingFor(variableBudget: number, shape: SpendingShape): Spending {
  const budget = Math.max(variableBudget, major(4_000));
  const transferShare = 1 - shape.cardShare - shape.cashShare;
  return {
    cardPerMonth: shape.cardPerMonth,
    cardMean: Math.max(major(120), (budget * shape.cardShare) / shape.cardPerMonth),
    cashPerMonth: shape.cashPerMonth,
    cashMean: Math.max(major(500), (budget * shape.cashShare) / shape.cashPerMonth),
    transfersPerMonth: shape.transfersPerMonth,
    transferMean: Math.max(major(300), (budget * transferShare) / shape.transfersPerMonth),
    branchShare: shape.branchShare,
  };
}

/**
 * What a customer puts aside each month: at most ~1% of what they hold and 15% of their income, so that balances
 * grow slowly over the period instead of piling up (interest and the odd windfall add the rest).
 */
const monthlySaving = (random: Random, typicalBalance: number, income: number) => Math.min(typicalBalance * random.between(0, 0.012), income * 0.15);

const fixedCosts = (...orders: Array<StandingOrder | null>) => orders.reduce((sum, order) => sum + (order?.amount ?? 0), 0);

/** Current account level: about a month of income on top of a small buffer, never more than the customer has. */
const currentTargetFor = (typicalBalance: number, accountCount: number, monthly: number, random: Random) =>
  accountCount === 1 ? typicalBalance : Math.min(typicalBalance, Math.round(monthly * random.between(0.6, 1.2) + major(5_000)));

function salaried(random: Random): Behaviour {
  const income = salary(random, 38_000);
  const typicalBalance = major(clamp((income.amount / 100) * random.logNormal(2.2, 0.9), 3_000, 30_000_000));
  const accountCount = random.weighted([[1, 0.4], [2, 0.45], [3, 0.15]] as const);
  const housing = housingFor(random, income.amount, 0.5, 0.3);
  const utilities = utilitiesFor(random, income.amount, random.between(0.04, 0.08));
  const budget = income.amount - monthlySaving(random, typicalBalance, income.amount) - fixedCosts(housing, utilities);
  return {
    typicalBalance,
    accountCount,
    currentTarget: currentTargetFor(typicalBalance, accountCount, income.amount, random),
    income,
    hasEmployer: true,
    housing,
    utilities,
    spending: spendingFor(budget, {
      cardShare: 0.7, cashShare: 0.15, cardPerMonth: random.between(12, 30), cashPerMonth: random.between(1, 3),
      transfersPerMonth: random.between(0.5, 3), branchShare: 0.05,
    }),
    business: null,
    saver: null,
    multiBanking: null,
  };
}

function pensioner(random: Random): Behaviour {
  const income = pension(random, 20_000);
  const typicalBalance = major(clamp(random.logNormal(130_000, 1.0), 3_000, 20_000_000));
  const accountCount = random.weighted([[1, 0.5], [2, 0.4], [3, 0.1]] as const);
  const housing = housingFor(random, income.amount, 0.25, 0);
  const utilities = utilitiesFor(random, income.amount, random.between(0.08, 0.12));
  const budget = income.amount - monthlySaving(random, typicalBalance, income.amount) - fixedCosts(housing, utilities);
  return {
    typicalBalance,
    accountCount,
    currentTarget: currentTargetFor(typicalBalance, accountCount, income.amount, random),
    income,
    hasEmployer: false,
    housing,
    utilities,
    spending: spendingFor(budget, {
      cardShare: 0.45, cashShare: 0.45, cardPerMonth: random.between(4, 10), cashPerMonth: random.between(2, 5),
      transfersPerMonth: random.between(0.3, 1), branchShare: 0.5,
    }),
    business: null,
    saver: null,
    multiBanking: null,
  };
}

function saver(random: Random): Behaviour {
  const employed = random.chance(0.5);
  const income = employed ? salary(random, 50_000) : pension(random, 24_000);
  const typicalBalance = major(clamp(random.logNormal(900_000, 0.7), 200_000, 50_000_000));
  const accountCount = random.weighted([[2, 0.5], [3, 0.5]] as const);
  const housing = housingFor(random, income.amount, 0.2, 0.2);
  const utilities = utilitiesFor(random, income.amount, random.between(0.04, 0.08));
  const budget = income.amount - monthlySaving(random, typicalBalance, income.amount) - fixedCosts(housing, utilities);
  return {
    typicalBalance,
    accountCount,
    currentTarget: currentTargetFor(typicalBalance, accountCount, income.amount, random),
    income,
    hasEmployer: employed,
    housing,
    utilities,
    spending: spendingFor(budget, {
      cardShare: 0.65, cashShare: 0.2, cardPerMonth: random.between(6, 14), cashPerMonth: random.between(1, 2),
      transfersPerMonth: random.between(0.3, 1), branchShare: 0.3,
    }),
    business: null,
    saver: {
      termMonths: random.pick([3, 6, 12]),
      deposit: Math.round(typicalBalance * random.between(0.15, 0.4)),
      subscriptionChance: random.between(0.15, 0.4),
      redemptionChance: random.between(0.1, 0.3),
    },
    multiBanking: null,
  };
}

function businessOwner(random: Random): Behaviour {
  const typicalBalance = major(clamp(random.logNormal(450_000, 0.9), 50_000, 100_000_000));
  const accountCount = random.weighted([[2, 0.6], [3, 0.4]] as const);
  const revenue = typicalBalance * random.between(0.5, 1.4);
  const inflowsPerMonth = random.between(6, 25);
  const paymentsPerMonth = random.between(6, 25);
  const employees = random.int(1, 8);
  // suppliers, staff, tax and the card take all of the revenue over time: what the business keeps is its working capital
  return {
    typicalBalance,
    accountCount,
    currentTarget: Math.round(typicalBalance * random.between(0.5, 0.7)),
    income: null,
    hasEmployer: false,
    housing: null,
    utilities: null,
    spending: spendingFor(revenue * 0.03, {
      cardShare: 0.8, cashShare: 0.15, cardPerMonth: random.between(6, 15), cashPerMonth: random.between(0.5, 2),
      transfersPerMonth: 0.5, branchShare: 0.1,
    }),
    business: {
      inflowsPerMonth,
      inflowMean: revenue / inflowsPerMonth,
      paymentsPerMonth,
      paymentMean: (revenue * 0.64) / paymentsPerMonth,
      payrollDayOfMonth: random.int(8, 15),
      employees,
      wageMean: (revenue * 0.28) / employees,
      quarterlyTax: Math.round(revenue * 3 * 0.05),
    },
    saver: null,
    multiBanking: null,
  };
}

function multiBanker(random: Random): Behaviour {
  const income = salary(random, 45_000);
  const typicalBalance = major(clamp((income.amount / 100) * random.logNormal(2.0, 0.9), 3_000, 30_000_000));
  const accountCount = random.weighted([[1, 0.5], [2, 0.4], [3, 0.1]] as const);
  const housing = housingFor(random, income.amount, 0.45, 0.3);
  const utilities = utilitiesFor(random, income.amount, random.between(0.04, 0.08));
  const multiBanking: MultiBanking = { shareOfIncome: random.between(0.2, 0.45), daysAfterPayday: random.int(1, 4), returnChance: random.between(0.15, 0.4) };
  // what goes to the other bank each month is not spent here; some of it comes back
  const expectedReturn = multiBanking.returnChance * 0.3;
  const budget = income.amount * (1 - multiBanking.shareOfIncome + expectedReturn) - monthlySaving(random, typicalBalance, income.amount) - fixedCosts(housing, utilities);
  return {
    typicalBalance,
    accountCount,
    currentTarget: currentTargetFor(typicalBalance, accountCount, income.amount, random),
    income,
    hasEmployer: true,
    housing,
    utilities,
    spending: spendingFor(budget, {
      cardShare: 0.75, cashShare: 0.1, cardPerMonth: random.between(8, 20), cashPerMonth: random.between(0.5, 2),
      transfersPerMonth: random.between(0.5, 2), branchShare: 0.02,
    }),
    business: null,
    saver: null,
    multiBanking,
  };
}

export function drawBehaviour(persona: Persona, random: Random): Behaviour {
  switch (persona) {
    case 'salaried':
      return salaried(random);
    case 'pensioner':
      return pensioner(random);
    case 'saver':
      return saver(random);
    case 'business_owner':
      return businessOwner(random);
    case 'multi_banker':
      return multiBanker(random);
  }
}
