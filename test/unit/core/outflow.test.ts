import { describe, expect, it } from 'vitest';
import { rememberedMonths } from '../../../src/core/month-memory.ts';
import type { Measures } from '../../../src/core/detectors/measures.ts';
import { detectOutflow } from '../../../src/core/detectors/outflow.ts';
import type { CounterpartyKind } from '../../../src/domain/transaction.ts';
import { DAY, Ledger, MemoryStore, core, coreWith, czk, ofKinds, pragueWinter, profile, rules, seededState, summary } from '../../support/core-fixtures.ts';

const quiet: Measures = { totalBalance: 0, averageDailyBalance30: 0, cumulativeOutflow: 0, usualCumulativeOutflow: 0, cumulativeInflow: 0, usualCumulativeInflow: 0, competitorOutflow90: 0, competitorOutflowRecent: 0, customerTransactions30: 0 };

/** Measures around one debit from a steady balance (the 30-day average is that balance). */
function aroundDebit(kind: CounterpartyKind, amount: number, balance: number, extra: Partial<Measures> = {}) {
  const cumulative = rules.largeOutflow.cumulative.kinds.includes(kind) ? amount : 0;
  const competitor = rules.competitorKinds.includes(kind) ? amount : 0;
  const before: Measures = { ...quiet, totalBalance: balance, averageDailyBalance30: balance, ...extra };
  const after: Measures = {
    ...before,
    totalBalance: balance - amount,
    cumulativeOutflow: before.cumulativeOutflow + cumulative,
    competitorOutflow90: before.competitorOutflow90 + competitor,
    competitorOutflowRecent: before.competitorOutflowRecent + competitor,
  };
  return { before, after };
}

describe('outflow detector, one debit against hand-made measures', () => {
  it.each([
    // name, tier, counterparty, amount, balance before → [kind, priority] or nothing; 'rm' where the RM hears it too
    // (only an exit: what stays is at most 20% of the customer's normal, whatever the amount)
    ['under both thresholds (25,000 of 60,000 in cash)', 'SILVER', 'CASH', czk(25_000), czk(60_000), []],
    ['a large share but under the share floor (15,000 of 20,000)', 'SILVER', 'CASH', czk(15_000), czk(20_000), []],
    ['exactly half the balance, above the floor (30,000 of 60,000)', 'SILVER', 'CASH', czk(30_000), czk(60_000), [['LARGE_OUTFLOW', 'MEDIUM']]],
    ['exactly the absolute threshold (100,000 of 10,000,000)', 'SILVER', 'SAME_BANK_CUSTOMER', czk(100_000), czk(10_000_000), [['LARGE_OUTFLOW', 'MEDIUM']]],
    ['a haléř under it', 'SILVER', 'SAME_BANK_CUSTOMER', czk(100_000) - 1, czk(10_000_000), []],
    ['150,000 is large for SILVER...', 'SILVER', 'CASH', czk(150_000), czk(1_000_000), [['LARGE_OUTFLOW', 'MEDIUM']]],
    ['...but not for GOLD (threshold 200,000)', 'GOLD', 'CASH', czk(150_000), czk(1_000_000), []],
    ['no tier known: the default threshold', null, 'CASH', czk(150_000), czk(1_000_000), [['LARGE_OUTFLOW', 'MEDIUM']]],
    ['own-account moves are not outflow, however large', 'SILVER', 'OWN_ACCOUNT', czk(900_000), czk(1_000_000), []],
    ['a large outflow to another bank is HIGH', 'SILVER', 'OTHER_BANK', czk(200_000), czk(1_000_000), [['LARGE_OUTFLOW', 'HIGH']]],
    ['80% to another bank is a near-total exit: URGENT, to the RM', 'SILVER', 'OTHER_BANK', czk(50_000), czk(62_500), [['LARGE_OUTFLOW', 'URGENT', 'rm']]],
    ['a small saver’s exit (95% of 15,000, under every money threshold) is an exit all the same', 'SILVER', 'OTHER_BANK', czk(14_250), czk(15_000), [['LARGE_OUTFLOW', 'URGENT', 'rm']]],
    ['a relationship below the value floor (4,000 of 4,000) leaves all the same: told LOW', 'SILVER', 'OTHER_BANK', czk(4_000), czk(4_000), [['LARGE_OUTFLOW', 'LOW', 'rm']]],
    ['79.98% to another bank is not', 'SILVER', 'OTHER_BANK', czk(49_990), czk(62_500), [['LARGE_OUTFLOW', 'HIGH']]],
    ['95% in cash is large but not an exit to a competitor', 'SILVER', 'CASH', czk(95_000), czk(100_000), [['LARGE_OUTFLOW', 'MEDIUM']]],
    ['1,000,000 at stake is urgent whoever the customer is', 'SILVER', 'CASH', czk(1_000_000), czk(10_000_000), [['LARGE_OUTFLOW', 'URGENT']]],
    ['a top tier raises a competitor outflow from HIGH to URGENT', 'PLATINUM', 'OTHER_BANK', czk(600_000), czk(2_000_000), [['LARGE_OUTFLOW', 'URGENT']]],
    ['a top tier raises a cash outflow from MEDIUM to HIGH', 'PLATINUM', 'CASH', czk(600_000), czk(2_000_000), [['LARGE_OUTFLOW', 'HIGH']]],
    ['a small transfer to another bank under the leakage floor', 'SILVER', 'OTHER_BANK', czk(5_000) - 1, czk(1_000_000), []],
    ['one at the leakage floor is leakage, for the risk feed', 'SILVER', 'OTHER_BANK', czk(5_000), czk(1_000_000), [['LEAKAGE', 'LOW']]],
    ['money to a fund platform is leakage too', 'GOLD', 'INVESTMENT_PLATFORM', czk(10_000), czk(1_000_000), [['LEAKAGE', 'LOW']]],
    ['cash is never leakage', 'SILVER', 'CASH', czk(10_000), czk(1_000_000), []],
  ] as const)('%s', (_, tier, kind, amount, balance, expected) => {
    const { before, after } = aroundDebit(kind, amount, balance);
    const debit = new Ledger().debit(amount, pragueWinter('2024-01-10'), { counterpartyKind: kind });
    const findings = detectOutflow(debit, before, after, { rules, tier });
    expect(findings.map((finding) => [finding.kind, finding.priority, ...(finding.feeds.includes('rm') ? ['rm'] : [])])).toEqual(expected);
    for (const finding of findings) {
      expect(finding.feeds).toEqual(finding.feeds.includes('rm') ? ['rm', 'risk'] : ['risk']);
      expect(finding.causeTransactionId).toBe(debit.transactionId);
      expect(finding.toCompetitor).toBe(rules.competitorKinds.includes(kind));
    }
  });

  it.each([
    // the customer's normal (30-day average) is 100,000; only 26,000 is left of it when the last transfer comes
    ['a quarter of the normal balance is the least step that is the exit', czk(25_000), [['LARGE_OUTFLOW', 'URGENT', 'rm']]],
    ['a haléř less is the tail of a drain: a large share of what was left, for the risk team', czk(25_000) - 1, [['LARGE_OUTFLOW', 'HIGH']]],
  ] as const)('%s', (_, amount, expected) => {
    const { before, after } = aroundDebit('OTHER_BANK', amount, czk(26_000), { averageDailyBalance30: czk(100_000) });
    const debit = new Ledger().debit(amount, pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK' });
    const findings = detectOutflow(debit, before, after, { rules, tier: 'SILVER' });
    expect(findings.map((finding) => [finding.kind, finding.priority, ...(finding.feeds.includes('rm') ? ['rm'] : [])])).toEqual(expected);
  });

  it('an exit in two transfers: the second, smaller one completes it and is told; a later rest is not told again', () => {
    // normal 100,000; 70,000 went to another bank yesterday (30,000 left), 12,000 today leaves 18%: the last 5 days'
    // 82,000 to competitors are the step, although today's transfer alone is under a quarter of the normal
    const second = aroundDebit('OTHER_BANK', czk(12_000), czk(30_000), { averageDailyBalance30: czk(100_000), competitorOutflowRecent: czk(70_000) });
    const debit = new Ledger().debit(czk(12_000), pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK' });
    const rm = (findings: ReturnType<typeof detectOutflow>) => findings.filter((finding) => finding.feeds.includes('rm')).map((finding) => [finding.kind, finding.priority]);
    expect(rm(detectOutflow(debit, second.before, second.after, { rules, tier: 'SILVER' }))).toEqual([['LARGE_OUTFLOW', 'URGENT']]);
    // the line was crossed by an earlier debit (15% left before this one): the RM already knows
    const rest = aroundDebit('OTHER_BANK', czk(12_000), czk(15_000), { averageDailyBalance30: czk(100_000), competitorOutflowRecent: czk(85_000) });
    expect(rm(detectOutflow(debit, rest.before, rest.after, { rules, tier: 'SILVER' }))).toEqual([]);
  });

  it('a large credit that leaves again the next day is no exit: it never was the customer’s normal', () => {
    // 80,000 normally; 500,000 arrived yesterday (30-day average 96,000) and leaves: 80,000 stays, 83% of the normal
    const { before, after } = aroundDebit('OTHER_BANK', czk(500_000), czk(580_000), { averageDailyBalance30: czk(96_000) });
    const debit = new Ledger().debit(czk(500_000), pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK' });
    expect(detectOutflow(debit, before, after, { rules, tier: 'SILVER' }).map((finding) => [finding.kind, finding.priority, finding.feeds])).toEqual([['LARGE_OUTFLOW', 'HIGH', ['risk']]]);
  });

  it('credits are not outflow', () => {
    const credit = new Ledger().credit(czk(900_000), pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK' });
    expect(detectOutflow(credit, { ...quiet, totalBalance: czk(1_000_000) }, quiet, { rules, tier: null })).toEqual([]);
  });

  it('the share is taken of the balance before the debit, even when tidewatch never saw that balance', () => {
    // first posting seen: nothing known before, 40,000.00 left after a 60,000.00 cash withdrawal → 60% of 100,000.00
    const debit = new Ledger().debit(czk(60_000), pragueWinter('2024-01-10'), { counterpartyKind: 'CASH' });
    const [finding] = detectOutflow(debit, quiet, { ...quiet, totalBalance: czk(40_000) }, { rules, tier: 'SILVER' });
    expect(finding?.kind).toBe('LARGE_OUTFLOW');
    expect(finding?.evidence).toContainEqual({ metric: 'share_of_relationship_balance', unit: 'BASIS_POINTS', value: 6000, threshold: 5000, baseline: null });
    expect(finding?.evidence).toContainEqual({ metric: 'relationship_balance_before', unit: 'MINOR_UNITS', value: czk(100_000), threshold: null, baseline: null });
    expect(finding?.amountAtStakeMinor).toBe(czk(100_000));
  });

  it('a single large outflow that also crosses the window sum is told once, as the large outflow', () => {
    const { before, after } = aroundDebit('OTHER_BANK', czk(200_000), czk(1_000_000));
    const debit = new Ledger().debit(czk(200_000), pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK' });
    expect(detectOutflow(debit, before, after, { rules, tier: 'SILVER' }).map((finding) => finding.kind)).toEqual(['LARGE_OUTFLOW']);
  });
});

/** The outflow detectors' kinds: tests of a customer served below the tier its balance qualifies for look at these only. */
const outflowKinds = ['LARGE_OUTFLOW', 'CUMULATIVE_OUTFLOW', 'LEAKAGE'];

describe('outflow, the domain brief’s cases through the processor', () => {
  it('a top-tier customer moves (nearly) everything to another bank: URGENT, to the RM and the risk team, with the evidence', () => {
    // PLATINUM, 950,000.00 since September (a PLATINUM balance: under BLACK_GOLD's 1,000,000, so no day close has an
    // upgrade to tell), usually sends 30,000.00 a month to another bank
    const store = new MemoryStore([profile({ servedTier: 'PLATINUM', rmId: 'rm-7' })]).seed(
      seededState({ balances: { 'a-1': czk(950_000) }, since: pragueWinter('2023-09-01'), lastActivityAt: pragueWinter('2023-09-01') }),
    );
    const ledger = new Ledger('c-1', { 'a-1': czk(950_000) });
    const usual = ['2023-11-15', '2023-12-10', '2023-12-28'].map((day) => ledger.debit(czk(30_000), pragueWinter(day), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0800' }));
    const exit = ledger.debit(czk(820_000), pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0800' });
    const emitted = store.feed([...usual, exit]);

    expect(emitted.slice(0, 3).map(summary)).toEqual([0, 1, 2].map(() => [{ kind: 'LEAKAGE', priority: 'LOW', feeds: ['risk'] }]));
    expect(emitted[3]!).toHaveLength(1);
    const { alert, feeds } = emitted[3]![0]!;
    expect(feeds).toEqual(['risk', 'rm']);
    expect(alert).toMatchObject({
      kind: 'LARGE_OUTFLOW',
      priority: 'URGENT',
      customerId: 'c-1',
      rmId: 'rm-7',
      queue: 'rm-7',
      tier: 'PLATINUM',
      currency: 'CZK',
      counterpartyKind: 'OTHER_BANK',
      toCompetitor: true,
      causeTransactionId: exit.transactionId,
      eventTime: exit.eventTime,
      amountAtStakeMinor: czk(860_000), // the balance before: 950,000 − 3 × 30,000
      rulesVersion: rules.version,
    });
    // an exit's reason says what is left against the customer's usual balance (what made it an exit)
    expect(alert.reason).toBe('Near-total withdrawal: 820,000.00 CZK to another bank; 40,000.00 CZK left, 5% of the usual 876,000.00 CZK');
    expect(alert.evidence).toEqual([
      // the usual level: 90,000.00 to other banks in the last 90 days, i.e. 30,000.00 a month
      { metric: 'amount', unit: 'MINOR_UNITS', value: czk(820_000), threshold: czk(500_000), baseline: czk(30_000) },
      // 820,000 / 860,000 = 95.35%
      { metric: 'share_of_relationship_balance', unit: 'BASIS_POINTS', value: 9535, threshold: 5000, baseline: null },
      { metric: 'relationship_balance_before', unit: 'MINOR_UNITS', value: czk(860_000), threshold: null, baseline: null },
      // 30-day average, 12 Dec .. 10 Jan: (16 × 890,000 + 14 × 860,000) / 30 = 876,000
      { metric: 'relationship_balance_after', unit: 'MINOR_UNITS', value: czk(40_000), threshold: null, baseline: czk(876_000) },
    ]);
  });

  // Exits judged against the customer's own pattern: the same transfer is an exit for one customer and the normal for
  // another. SILVER, 100,000.00 since October; salary 60,000.00 on the 5th from November on.
  function monthlyRhythm(sweep: (ledger: Ledger, day: string) => ReturnType<Ledger['debit']>[]) {
    const store = new MemoryStore([profile({ servedTier: 'SILVER', rmId: 'rm-7' })]).seed(
      seededState({ balances: { 'a-1': czk(100_000) }, since: pragueWinter('2023-10-01'), lastActivityAt: pragueWinter('2023-10-01') }),
    );
    const ledger = new Ledger('c-1', { 'a-1': czk(100_000) });
    const months = ['2023-11', '2023-12', '2024-01'];
    const postings = months.flatMap((month) => [
      ledger.credit(czk(60_000), pragueWinter(`${month}-05`), { category: 'SALARY', counterpartyKind: 'OTHER_BANK' }),
      ...sweep(ledger, `${month}-20`),
    ]);
    const emitted = store.feed(postings);
    return postings.map((posting, index) => ({ day: new Date(posting.eventTime).toISOString().slice(0, 10), rm: (emitted[index] ?? []).filter(({ feeds, alert }) => feeds.includes('rm') && alert.kind === 'LARGE_OUTFLOW').map(({ alert }) => alert.kind) }));
  }
  /** The postings an exit was told to the RM on (the tier news of the growing balance apart). */
  const rmTold = (days: ReturnType<typeof monthlyRhythm>) => days.filter(({ rm }) => rm.length > 0);

  it('a customer who sweeps most of the balance to their main bank every month is told once, the first time (no history to judge by yet); the same sweep later is their normal', () => {
    // 20 Nov: 155,000 of 160,000 leaves: nothing before says it is a habit → the RM hears of it. 20 Dec and 20 Jan
    // the same sweep leaves 5,000 of 65,000 again (under a fifth of the normal, an exit by amount alone), as the
    // customer did before (97% of what they held on 20 Nov) and came back from
    const sweep = (ledger: Ledger, day: string) => [ledger.debit(ledger.balance() - czk(5_000), pragueWinter(day), { counterpartyKind: 'OTHER_BANK' })];
    expect(rmTold(monthlyRhythm(sweep))).toEqual([{ day: '2023-11-20', rm: ['LARGE_OUTFLOW'] }]);
  });

  it('a customer who habitually moves large steps away is not called when one step takes everything: what follows (income, activity) tells, through CHURN_RISK', () => {
    // as above, but on 20 Jan all 65,000 go: 20 Dec sent 60,000 of 65,000 (92%) to another bank in one day, a move
    // of nearly everything, as large (over three quarters of this one), that the customer made before
    const sweep = (ledger: Ledger, day: string) => [ledger.debit(ledger.balance() - (day.startsWith('2024-01') ? 0 : czk(5_000)), pragueWinter(day), { counterpartyKind: 'OTHER_BANK' })];
    expect(rmTold(monthlyRhythm(sweep))).toEqual([{ day: '2023-11-20', rm: ['LARGE_OUTFLOW'] }]);
  });

  /**
   * 100,000.00 since October: on 10 Nov `earlierShare` of it goes to another bank; on 15 Nov money from the
   * customer's own account brings the balance to 112,000.00; on 1 Dec 75,000.00 is spent by card; on 20 Dec 68% of
   * what is left (38,000.00) goes to another bank, leaving 12,160.00: under a fifth of the 30-day normal (~65,500),
   * an exit by the money. Which postings the RM was told of as an exit.
   */
  function twoThirdsAgain(earlierShare: number) {
    const store = new MemoryStore([profile({ servedTier: 'SILVER', rmId: 'rm-7' })]).seed(
      seededState({ balances: { 'a-1': czk(100_000) }, since: pragueWinter('2023-10-01'), lastActivityAt: pragueWinter('2023-10-01') }),
    );
    const ledger = new Ledger('c-1', { 'a-1': czk(100_000) });
    const postings = [
      ledger.debit(Math.round(czk(100_000) * earlierShare), pragueWinter('2023-11-10'), { counterpartyKind: 'OTHER_BANK' }),
    ];
    postings.push(ledger.credit(czk(112_000) - ledger.balance(), pragueWinter('2023-11-15'), { counterpartyKind: 'OWN_ACCOUNT' }));
    postings.push(ledger.debit(czk(75_000), pragueWinter('2023-12-01'), { category: 'CARD', channel: 'CARD' }));
    postings.push(ledger.debit(Math.round(ledger.balance() * 0.68), pragueWinter('2023-12-20'), { counterpartyKind: 'OTHER_BANK' }));
    return store.feed(postings).map((emissions) => emissions.filter(({ feeds, alert }) => feeds.includes('rm') && alert.kind === 'LARGE_OUTFLOW').length);
  }

  it('a step of two thirds the customer took before is their normal, not an exit; a step twice the share they took before is one', () => {
    // 10 Nov sent 68% of what was there, as large a share as 20 Dec's step and larger in amount: the same move again
    expect(twoThirdsAgain(0.68)).toEqual([0, 0, 0, 0]);
    // 10 Nov sent 40%: under three quarters of 20 Dec's share (51%), not the same move
    expect(twoThirdsAgain(0.4)).toEqual([0, 0, 0, 1]);
  });

  /**
   * As twoThirdsAgain, with the earlier move half a year back, beyond the retained days: 100,000.00 since May; on 23 Jun
   * `earlierShare` of it goes to another bank for the rest of the 30-day block (22 Jun - 21 Jul) and comes back from
   * the customer's own account on 15 Aug; a salary of 5,000.00 on the 5th of every month from August; 75,000.00 spent
   * by card on 21 Nov; on 20 Dec 85% of the 45,000.00 left goes to another bank, leaving 6,750.00: under a fifth of
   * the 30-day normal (45,000), an exit by the money. Only the month memory still knows June.
   */
  function moveAgainMonthsLater(earlierShare: number) {
    const store = new MemoryStore([profile({ servedTier: 'SILVER', rmId: 'rm-7' })]).seed(
      seededState({ balances: { 'a-1': czk(100_000) }, since: pragueWinter('2023-05-01'), lastActivityAt: pragueWinter('2023-05-01') }),
    );
    const ledger = new Ledger('c-1', { 'a-1': czk(100_000) });
    const postings = [ledger.debit(Math.round(czk(100_000) * earlierShare), pragueWinter('2023-06-23'), { counterpartyKind: 'OTHER_BANK' })];
    postings.push(ledger.credit(czk(5_000), pragueWinter('2023-08-05'), { category: 'SALARY', counterpartyKind: 'OTHER_BANK' }));
    postings.push(ledger.credit(czk(100_000) - ledger.balance(), pragueWinter('2023-08-15'), { counterpartyKind: 'OWN_ACCOUNT' }));
    for (const month of ['2023-09', '2023-10', '2023-11']) postings.push(ledger.credit(czk(5_000), pragueWinter(`${month}-05`), { category: 'SALARY', counterpartyKind: 'OTHER_BANK' }));
    postings.push(ledger.debit(czk(75_000), pragueWinter('2023-11-21'), { category: 'CARD', channel: 'CARD' }));
    postings.push(ledger.credit(czk(5_000), pragueWinter('2023-12-05'), { category: 'SALARY', counterpartyKind: 'OTHER_BANK' }));
    postings.push(ledger.debit(Math.round(ledger.balance() * 0.85), pragueWinter('2023-12-20'), { counterpartyKind: 'OTHER_BANK' }));
    const told = store.feed(postings).map((emissions) => emissions.filter(({ feeds, alert }) => feeds.includes('rm') && alert.kind === 'LARGE_OUTFLOW').length);
    return { told, remembered: rememberedMonths(store.state()) };
  }

  it('a step the customer took half a year before, beyond the retained days, is their normal: the month memory remembers it', () => {
    const same = moveAgainMonthsLater(0.7);
    // the block of 22 Jun - 21 Jul sent 70,000 while 32,333 stayed on average: 68% of what was held, at least three
    // quarters of December's 85%, and more than three quarters of its amount (38,250): the same move again
    expect(same.remembered.some((month) => month.toCompetitors === czk(70_000))).toBe(true);
    expect(same.told).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // 40% in June: 39% of what was held, under three quarters of December's share: the RM hears of the exit
    expect(moveAgainMonthsLater(0.4).told).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('a move of nearly all that is far larger than the one the customer made before is an exit all the same', () => {
    // 100,000 since October; 20 Nov: 90,000 of it to another bank (told: the first such move); 1 Dec: 400,000 comes in
    // (an inheritance); 20 Jan: 390,000 of 410,000 to another bank. The move of 20 Nov was nearly all the customer
    // then held, but under three quarters of this one (292,500): not the same move made again
    const store = new MemoryStore([profile({ servedTier: 'SILVER', rmId: 'rm-7' })]).seed(
      seededState({ balances: { 'a-1': czk(100_000) }, since: pragueWinter('2023-10-01'), lastActivityAt: pragueWinter('2023-10-01') }),
    );
    const ledger = new Ledger('c-1', { 'a-1': czk(100_000) });
    const postings = [
      ledger.debit(czk(90_000), pragueWinter('2023-11-20'), { counterpartyKind: 'OTHER_BANK' }),
      ledger.credit(czk(400_000), pragueWinter('2023-12-01'), { counterpartyKind: 'OWN_ACCOUNT' }),
      ledger.debit(czk(390_000), pragueWinter('2024-01-20'), { counterpartyKind: 'OTHER_BANK' }),
    ];
    const exits = store.feed(postings).map((emissions) => emissions.filter(({ feeds, alert }) => feeds.includes('rm') && alert.kind === 'LARGE_OUTFLOW').length);
    expect(exits).toEqual([1, 0, 1]);
  });

  it('an exit after months of small transfers to another bank is told: nothing before was this low or this large', () => {
    // 10,000 to another bank on the 20th of November and December (a habit, but 7% and 5% of what the customer
    // held), then on 20 Jan 95% of the balance
    const sweep = (ledger: Ledger, day: string) => [ledger.debit(day.startsWith('2024-01') ? Math.round(ledger.balance() * 0.95) : czk(10_000), pragueWinter(day), { counterpartyKind: 'OTHER_BANK' })];
    expect(rmTold(monthlyRhythm(sweep))).toEqual([{ day: '2024-01-20', rm: ['LARGE_OUTFLOW'] }]);
  });

  /**
   * Rent to a landlord at another bank on the 3rd, the salary (60,000.00) on the 10th, a card purchase on 20 Dec:
   * on 3 Jan the rent takes 50,000.00 of the 55,000.00 left, under a fifth of the 30-day normal, an exit by the money.
   * `earlierRent`: what the rent was on 3 Nov and 3 Dec. Which postings the RM was told of as an exit.
   */
  function rentBeforePayday(earlierRent: number) {
    const store = new MemoryStore([profile({ servedTier: 'SILVER', rmId: 'rm-7' })]).seed(
      seededState({ balances: { 'a-1': czk(100_000) }, since: pragueWinter('2023-10-01'), lastActivityAt: pragueWinter('2023-10-01') }),
    );
    const ledger = new Ledger('c-1', { 'a-1': czk(100_000) });
    const rent = (amount: number, day: string) => ledger.debit(amount, pragueWinter(day), { counterpartyKind: 'OTHER_BANK' });
    const salary = (day: string) => ledger.credit(czk(60_000), pragueWinter(day), { category: 'SALARY', counterpartyKind: 'OTHER_BANK' });
    const postings = [rent(earlierRent, '2023-11-03'), salary('2023-11-10'), rent(earlierRent, '2023-12-03'), salary('2023-12-10')];
    postings.push(ledger.debit(ledger.balance() - czk(55_000), pragueWinter('2023-12-20'), { category: 'CARD', channel: 'CARD' }));
    postings.push(rent(czk(50_000), '2024-01-03'));
    const emitted = store.feed(postings);
    return postings.flatMap((posting, index) =>
      (emitted[index] ?? []).some(({ feeds, alert }) => feeds.includes('rm') && alert.kind === 'LARGE_OUTFLOW') ? [new Date(posting.eventTime).toISOString().slice(0, 10)] : [],
    );
  }

  it('a standing order that falls on the month’s lowest balance is no exit: the same payment went out the two months before', () => {
    expect(rentBeforePayday(czk(50_000))).toEqual([]);
    // within 15% of the amount is the same payment (a rent that rose by 10%)
    expect(rentBeforePayday(czk(45_000))).toEqual([]);
  });

  it('the same debit is an exit when the months before paid less (or nothing like it): the customer never did this before', () => {
    expect(rentBeforePayday(czk(20_000))).toEqual(['2024-01-03']);
  });

  /**
   * A customer first seen on `since` with 100,000.00 (a month's salary just in) sends 90,000.00 of it to another bank
   * on 10 Jan: what the RM is told of it.
   */
  function sweepAfterPayday(since: string) {
    const store = new MemoryStore([profile({ servedTier: 'SILVER', rmId: 'rm-7' })]).seed(seededState({ balances: { 'a-1': czk(100_000) }, since: pragueWinter(since), lastActivityAt: pragueWinter(since) }));
    const [emissions] = store.feed([new Ledger('c-1', { 'a-1': czk(100_000) }).debit(czk(90_000), pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK' })]);
    return summary(ofKinds(emissions!, outflowKinds));
  }

  it('a customer known for less than a month has no normal to leave: most of the balance to another bank is a large outflow for the risk team, not an exit', () => {
    // first seen 12 Dec (29 days before): the sweep may be what they do after every payday
    expect(sweepAfterPayday('2023-12-12')).toEqual([{ kind: 'LARGE_OUTFLOW', priority: 'HIGH', feeds: ['risk'] }]);
    // a month known (11 Dec, 30 days): the same debit breaks the customer's own pattern, an exit
    expect(sweepAfterPayday('2023-12-11')).toEqual([{ kind: 'LARGE_OUTFLOW', priority: 'URGENT', feeds: ['risk', 'rm'] }]);
  });

  it('a withdrawal under the absolute threshold but over half the balance is a large outflow, for the risk team (not an exit: the RM is not called)', () => {
    const store = new MemoryStore([profile({ servedTier: 'SILVER' })]).seed(seededState({ balances: { 'a-1': czk(60_000) }, since: pragueWinter('2023-11-01') }));
    const cash = new Ledger('c-1', { 'a-1': czk(60_000) }).debit(czk(40_000), pragueWinter('2024-01-10'), { category: 'CASH', channel: 'ATM', counterpartyKind: 'CASH' });
    const [emissions] = store.feed([cash]);
    expect(summary(emissions!)).toEqual([{ kind: 'LARGE_OUTFLOW', priority: 'MEDIUM', feeds: ['risk'] }]);
    const { alert } = emissions![0]!;
    expect(alert.toCompetitor).toBe(false);
    expect(alert.evidence.slice(0, 2)).toEqual([
      { metric: 'amount', unit: 'MINOR_UNITS', value: czk(40_000), threshold: czk(100_000), baseline: 0 },
      { metric: 'share_of_relationship_balance', unit: 'BASIS_POINTS', value: 6667, threshold: 5000, baseline: null }, // 40/60
    ]);
  });

  it('gradual leakage: the transfer that crosses the 30-day sum alerts once, the next ones in the window do not', () => {
    // GOLD (cumulative threshold 300,000.00), 2,000,000.00 steady since November; 100,000.00 to another bank four times
    const store = new MemoryStore([profile({ servedTier: 'GOLD' })]).seed(seededState({ balances: { 'a-1': czk(2_000_000) }, since: pragueWinter('2023-11-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(2_000_000) });
    const transfers = ['2024-01-03', '2024-01-08', '2024-01-15', '2024-01-20'].map((day) => ledger.debit(czk(100_000), pragueWinter(day), { counterpartyKind: 'OTHER_BANK' }));
    const small = ledger.debit(czk(4_000), pragueWinter('2024-01-21'), { counterpartyKind: 'OTHER_BANK' });
    const all = store.feed([...transfers, small]);
    // A GOLD threshold needs a customer served GOLD, and 2,000,000.00 also qualifies for BLACK_GOLD: the first day
    // close (2 Jan, judged on the first transfer) tells that upgrade once (tiers.test.ts covers it), nothing else
    expect(all.map((emissions) => summary(emissions.filter((emission) => !outflowKinds.includes(emission.alert.kind))))).toEqual([
      [{ kind: 'UPGRADE_ELIGIBLE', priority: 'HIGH', feeds: ['campaign', 'rm'] }],
      [],
      [],
      [],
      [],
    ]);
    const emitted = all.map((emissions) => ofKinds(emissions, outflowKinds));

    const leakage = [{ kind: 'LEAKAGE', priority: 'LOW', feeds: ['risk'] }];
    expect(emitted.map(summary)).toEqual([leakage, leakage, [{ kind: 'CUMULATIVE_OUTFLOW', priority: 'HIGH', feeds: ['risk'] }], leakage, []]);
    const { alert } = emitted[2]![0]!;
    expect(alert).toMatchObject({ amountAtStakeMinor: czk(300_000), toCompetitor: true, causeTransactionId: transfers[2]!.transactionId });
    expect(alert.evidence).toEqual([
      // usual for 30 days: nothing went to other banks in the 60 days before the window
      { metric: 'outflow_30d', unit: 'MINOR_UNITS', value: czk(300_000), threshold: czk(300_000), baseline: 0 },
      // 30-day average on 15 Jan, 17 Dec .. 15 Jan: (17 × 2,000,000 + 5 × 1,900,000 + 8 × 1,800,000) / 30 = 1,930,000
      { metric: 'share_of_average_balance_30d', unit: 'BASIS_POINTS', value: 1554, threshold: 4000, baseline: null },
      { metric: 'average_daily_balance_30d', unit: 'MINOR_UNITS', value: czk(1_930_000), threshold: null, baseline: null },
      { metric: 'relationship_balance_after', unit: 'MINOR_UNITS', value: czk(1_700_000), threshold: null, baseline: null },
    ]);
    // the risk feed hears about every transfer (its figures add up), with the 90-day level before and after
    expect(emitted[3]![0]!.alert.evidence).toEqual([
      { metric: 'amount', unit: 'MINOR_UNITS', value: czk(100_000), threshold: czk(5_000), baseline: null },
      { metric: 'competitor_outflow_90d', unit: 'MINOR_UNITS', value: czk(400_000), threshold: null, baseline: czk(300_000) },
    ]);
  });

  it.each([
    { name: 'the shipped rule (1.5 × the usual): routine, never raised again', factorBp: undefined, raised: [] },
    { name: 'the rule off (minTimesUsualBp: 0): raised at every transfer', factorBp: 0, raised: ['2024-01-05', '2024-01-21', '2024-02-06', '2024-02-22', '2024-03-09', '2024-03-25'] },
  ])('a habitual multi-banker (150,000.00 to another bank every 16 days since October), from January: $name', ({ factorBp, raised }) => {
    // GOLD: 300,000.00 in 30 days. Every transfer finds the one 16 days before it in the window (300,000.00, the line
    // crossed again: the 14-day cooldown has passed). By January the 60 days before the window hold 3 to 4 transfers:
    // a usual of 225,000-300,000 per 30 days, so 1.5 × the usual (337,500 or more) is out of reach of the habit.
    const context = factorBp === undefined ? core : coreWith((raw) => void (raw.largeOutflow.cumulative.minTimesUsualBp = factorBp));
    const store = new MemoryStore([profile({ servedTier: 'GOLD' })], context).seed(seededState({ balances: { 'a-1': czk(5_000_000) }, since: pragueWinter('2023-09-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(5_000_000) });
    const transfers = Array.from({ length: 12 }, (_, index) => ledger.debit(czk(150_000), pragueWinter('2023-10-01') + index * 16 * DAY, { counterpartyKind: 'OTHER_BANK' }));
    const told = ofKinds(store.feed(transfers).flat(), ['CUMULATIVE_OUTFLOW'])
      .filter((emission) => emission.alert.eventTime >= pragueWinter('2024-01-01', '00:00'))
      .map((emission) => new Date(emission.alert.eventTime).toISOString().slice(0, 10));
    expect(told).toEqual(raised);
  });

  it('gradual leakage crossing the share of the average balance (under the absolute threshold)', () => {
    // SILVER, 90,000.00 (under GOLD's 100,000): 40% of the average is 36,000, far below the 150,000.00 default
    const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': czk(90_000) }, since: pragueWinter('2023-11-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(90_000) });
    const [first, second] = store.feed([
      ledger.debit(czk(25_000), pragueWinter('2024-01-03'), { counterpartyKind: 'INVESTMENT_PLATFORM' }),
      ledger.debit(czk(25_000), pragueWinter('2024-01-10'), { counterpartyKind: 'INVESTMENT_PLATFORM' }),
    ]);
    expect(summary(first!)).toEqual([{ kind: 'LEAKAGE', priority: 'LOW', feeds: ['risk'] }]); // 25,000 is under the 30,000 floor
    expect(summary(second!)).toEqual([{ kind: 'CUMULATIVE_OUTFLOW', priority: 'HIGH', feeds: ['risk'] }]);
    // average on 10 Jan: (22 × 90,000 + 8 × 65,000) / 30 = 83,333.33; 50,000 / 83,333.33 = 60.00%
    expect(second![0]!.alert.evidence[1]).toEqual({ metric: 'share_of_average_balance_30d', unit: 'BASIS_POINTS', value: 6000, threshold: 4000, baseline: null });
    expect(second![0]!.alert.evidence[2]!.value).toBe(8_333_333);
  });

  it('the window moves on: leakage spread over more than 30 days never adds up to an alert', () => {
    const store = new MemoryStore([profile({ servedTier: 'GOLD' })]).seed(seededState({ balances: { 'a-1': czk(2_000_000) }, since: pragueWinter('2023-11-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(2_000_000) });
    const emitted = store.feed(['2024-01-01', '2024-01-31', '2024-03-01', '2024-03-31'].map((day) => ledger.debit(czk(150_000), pragueWinter(day), { counterpartyKind: 'OTHER_BANK' })));
    // each 30-day window (today and the 29 days before) holds one transfer only: 150,000 < 300,000
    // (the outflow kinds only: served GOLD with a BLACK_GOLD balance, a day close also tells that upgrade)
    expect(ofKinds(emitted.flat(), outflowKinds).map((emission) => emission.alert.kind)).toEqual(['LEAKAGE', 'LEAKAGE', 'LEAKAGE', 'LEAKAGE']);
  });

  it('a late transfer (within the lateness) that completes the 30-day sum raises it, judged on the customer’s current day', () => {
    const store = new MemoryStore([profile({ servedTier: 'GOLD' })]).seed(seededState({ balances: { 'a-1': czk(2_000_000) }, since: pragueWinter('2023-11-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(2_000_000) });
    const early = ledger.debit(czk(100_000), pragueWinter('2024-01-03'), { counterpartyKind: 'OTHER_BANK' });
    const late = ledger.debit(czk(100_000), pragueWinter('2024-01-15'), { counterpartyKind: 'OTHER_BANK' });
    const latest = ledger.debit(czk(100_000), pragueWinter('2024-01-20'), { counterpartyKind: 'OTHER_BANK' });
    // 15 Jan arrives after 20 Jan: 20 Jan's window (22 Dec .. 20 Jan) then holds all three, 300,000
    // (the outflow kinds only: served GOLD with a BLACK_GOLD balance, a day close also tells that upgrade)
    const emitted = store.feed([early, latest, late]).map((emissions) => ofKinds(emissions, outflowKinds));
    expect(emitted.map((emissions) => emissions.map((emission) => emission.alert.kind))).toEqual([['LEAKAGE'], ['LEAKAGE'], ['CUMULATIVE_OUTFLOW']]);
    expect(emitted[2]![0]!.alert).toMatchObject({ causeTransactionId: late.transactionId, eventTime: late.eventTime, amountAtStakeMinor: czk(300_000) });
  });
});

describe('on watch after an RM change: outflow thresholds halved (rmChange.thresholdFactorBp 5000)', () => {
  it.each([
    // name, served tier, on watch until, amount → the outflow kinds told
    // SILVER's single threshold is the default 100,000: halved, 50,000; 60,000 is 37.5% of the 160,000 balance (under
    // half) and under the halved window sum (75,000, or 40% of the average): only the watch makes it large
    { name: 'SILVER, on watch: 60,000 to another bank is a large outflow', tier: 'SILVER', until: pragueWinter('2024-04-01'), amount: czk(60_000), expected: [{ kind: 'LARGE_OUTFLOW', priority: 'HIGH', feeds: ['risk'] }] },
    { name: 'SILVER, never on watch: leakage only', tier: 'SILVER', until: null, amount: czk(60_000), expected: [{ kind: 'LEAKAGE', priority: 'LOW', feeds: ['risk'] }] },
    { name: 'SILVER, the watch ended on 1 Mar: leakage only', tier: 'SILVER', until: pragueWinter('2024-03-01'), amount: czk(60_000), expected: [{ kind: 'LEAKAGE', priority: 'LOW', feeds: ['risk'] }] },
    { name: 'SILVER, on watch, 40,000 (under the halved 50,000)', tier: 'SILVER', until: pragueWinter('2024-04-01'), amount: czk(40_000), expected: [{ kind: 'LEAKAGE', priority: 'LOW', feeds: ['risk'] }] },
    // halved, not replaced: GOLD's 200,000 becomes 100,000
    { name: 'GOLD, on watch: 60,000 is under GOLD’s halved 100,000', tier: 'GOLD', until: pragueWinter('2024-04-01'), amount: czk(60_000), expected: [{ kind: 'LEAKAGE', priority: 'LOW', feeds: ['risk'] }] },
  ])('$name', ({ tier, until, amount, expected }) => {
    const seeded = seededState({ balances: { 'a-1': czk(160_000) }, since: pragueWinter('2023-11-01'), lastActivityAt: pragueWinter('2024-03-01') });
    seeded.watchUntil = until;
    const store = new MemoryStore([profile({ servedTier: tier })]).seed(seeded);
    const transfer = new Ledger('c-1', { 'a-1': czk(160_000) }).debit(amount, pragueWinter('2024-03-10'), { counterpartyKind: 'OTHER_BANK' });
    // the outflow kinds only: a SILVER-served 160,000 also qualifies for GOLD, which the day close tells
    const emitted = ofKinds(store.feed([transfer]).flat(), outflowKinds);
    expect(summary(emitted)).toEqual(expected);
    if (expected[0]!.kind === 'LARGE_OUTFLOW') {
      expect(emitted[0]!.alert.evidence[0]).toEqual({ metric: 'amount', unit: 'MINOR_UNITS', value: amount, threshold: czk(50_000), baseline: 0 });
      expect(emitted[0]!.alert.reason).toBe('Large outflow: 60,000.00 CZK to another bank, 38% of the relationship balance');
    }
  });
});
