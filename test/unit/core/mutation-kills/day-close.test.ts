import { describe, expect, it } from 'vitest';
import type { ChurnObservation } from '../../../../src/core/churn-features.ts';
import { evaluateDayClose } from '../../../../src/core/detectors/day-close.ts';
import type { DetectionContext } from '../../../../src/core/detectors/context.ts';
import { applyTransaction } from '../../../../src/core/features.ts';
import type { Finding } from '../../../../src/core/findings.ts';
import type { HouseholdMember } from '../../../../src/core/household.ts';
import type { Rules } from '../../../../src/core/rules.ts';
import { scorecardOf } from '../../../../src/core/rules.ts';
import type { BinnedFeature, Scorecard } from '../../../../src/core/scorecard.ts';
import type { CustomerState } from '../../../../src/core/state.ts';
import type { CustomerProfile } from '../../../../src/domain/profile.ts';
import type { Transaction } from '../../../../src/domain/transaction.ts';
import { DAY, Ledger, calendar, coreWith, czk, dayNo, pragueWinter, profile, rules, seededState } from '../../../support/core-fixtures.ts';

/**
 * The day close judged directly (evaluateDayClose), the way the processor calls it once per customer and day: what
 * it finds on the close of one day, and what it remembers for the next. No policy (cooldowns) in between: a finding
 * the detector itself would repeat shows here.
 */
const plusDays = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
/** The event time of a day close's findings: the last millisecond of the day. */
const endOf = (isoDate: string) => calendar.startOf(dayNo(isoDate) + 1) - 1;
const ofKind = (findings: readonly Finding[], kind: string) => findings.filter((finding) => finding.kind === kind);

/** One customer's account, steady at `balance` since `since` (1 Jun 2023 unless said), and the postings made to it. */
class Customer {
  readonly state: CustomerState;
  private readonly ledger: Ledger;
  private offset = 0;

  constructor(balance: number, options: { since?: string; customerId?: string } = {}) {
    const customerId = options.customerId ?? 'c-1';
    this.state = seededState({ customerId, balances: { 'a-1': balance }, since: pragueWinter(options.since ?? '2023-06-01') });
    this.ledger = new Ledger(customerId, { 'a-1': balance });
  }

  /** Money to another bank. */
  pays(amount: number, on: string, extra: Partial<Transaction> = {}): this {
    return this.post(this.ledger.debit(amount, pragueWinter(on), { counterpartyKind: 'OTHER_BANK', ...extra }));
  }

  /** Money from the customer's own account elsewhere. */
  receives(amount: number, on: string): this {
    return this.post(this.ledger.credit(amount, pragueWinter(on), { counterpartyKind: 'OWN_ACCOUNT' }));
  }

  private post(transaction: Transaction): this {
    expect(applyTransaction(this.state, transaction, { partition: 0, offset: this.offset++ }, rules, calendar)).toBe('applied');
    return this;
  }

  /** What the close of `on` finds; `tier`: the served tier the detectors see (the profile's when there is one). */
  closeOf(on: string, options: { profile?: CustomerProfile; rules?: Rules; tier?: string; household?: HouseholdMember[]; observer?: DetectionContext['observer'] } = {}): Finding[] {
    const context: DetectionContext = { rules: options.rules ?? rules, tier: options.tier ?? options.profile?.servedTier ?? null };
    if (options.observer !== undefined) context.observer = options.observer;
    return evaluateDayClose(this.state, options.profile, dayNo(on), context, calendar, options.household);
  }
}

const served = (servedTier: string, overrides: Partial<CustomerProfile> = {}) => profile({ servedTier, ...overrides });

describe('upgrade eligibility on the close of a day', () => {
  // SILVER, 90,000 until 60,000 more arrives on 1 Mar (the close is 150,000 from then on): the 30-day average on
  // 1 Mar + (n − 1) is 90,000 + 2,000n, GOLD's 100,000 from 5 Mar; held 5 days on the close of 9 Mar (108,000).
  const crossing = () => new Customer(czk(90_000)).receives(czk(60_000), '2024-03-01');

  it('is told on the last day of the hold, once', () => {
    const customer = crossing();
    expect(ofKind(customer.closeOf('2024-03-08', { profile: served('SILVER') }), 'UPGRADE_ELIGIBLE')).toEqual([]); // held 4..8 Mar: 4 Mar was 98,000
    expect(ofKind(customer.closeOf('2024-03-09', { profile: served('SILVER') }), 'UPGRADE_ELIGIBLE')).toEqual([
      {
        kind: 'UPGRADE_ELIGIBLE',
        priority: 'MEDIUM',
        causeKey: `SILVER>GOLD:${dayNo('2024-03-09')}`,
        reason: 'Eligible: GOLD (served SILVER); 30-day average 108,000.00 CZK held above 100,000.00 CZK for 5 days',
        suggestedAction: 'Upgrade the customer to GOLD and tell them what it brings.',
        evidence: [
          { metric: 'average_balance_rolling30', unit: 'MINOR_UNITS', value: czk(108_000), threshold: czk(100_000), baseline: null },
          { metric: 'closing_balance', unit: 'MINOR_UNITS', value: czk(150_000), threshold: null, baseline: null },
        ],
        amountAtStakeMinor: czk(108_000),
        counterpartyKind: null,
        toCompetitor: false,
        causeTransactionId: null,
        eventTime: endOf('2024-03-09'),
        feeds: ['rm', 'campaign'],
      },
    ]);
    // still GOLD the next day: not told again
    expect(ofKind(customer.closeOf('2024-03-10', { profile: served('SILVER') }), 'UPGRADE_ELIGIBLE')).toEqual([]);
    expect(customer.state.upgradeTold).toBe('GOLD');
  });

  it('an average that dipped to exactly a tenth under the floor is the same news: the telling is kept, the crossing not told again', () => {
    const customer = crossing();
    customer.state.upgradeTold = 'GOLD'; // told before the dip
    // 29 Feb: average 90,000, exactly 90% of GOLD's 100,000 (90,000 / 0.9 = 100,000 still reaches the floor): remembered
    expect(customer.closeOf('2024-02-29', { profile: served('SILVER') })).toEqual([]);
    expect(customer.state.upgradeTold).toBe('GOLD');
    // 1..4 Mar, 92,000 to 98,000 on the way back up: remembered as well
    for (const on of ['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04']) expect(customer.closeOf(on, { profile: served('SILVER') })).toEqual([]);
    expect(customer.state.upgradeTold).toBe('GOLD');
    expect(ofKind(customer.closeOf('2024-03-09', { profile: served('SILVER') }), 'UPGRADE_ELIGIBLE')).toEqual([]);
  });

  it('an average more than a tenth under the floor forgets the telling: the next crossing is news again', () => {
    // 89,999.99 until 60,000 more arrives on 1 Mar (the close is 149,999.99 from then on)
    const customer = new Customer(czk(90_000) - 1);
    customer.state.upgradeTold = 'GOLD';
    // 29 Feb: 8,999,999 / 0.9 = 9,999,998.9, rounded 9,999,999 haléř: under GOLD's floor even a tenth up: forgotten
    expect(customer.closeOf('2024-02-29', { profile: served('SILVER') })).toEqual([]);
    expect(customer.state.upgradeTold).toBeNull();
    customer.receives(czk(60_000), '2024-03-01');
    // on 1 Mar + (n − 1) the average is 8,999,999 + 200,000n haléř: 99,999.99 on 5 Mar (held 5..9 Mar fails by a
    // haléř), 101,999.99 on 6 Mar, 109,999.99 on 10 Mar: held 6..10 Mar, told anew
    expect(ofKind(customer.closeOf('2024-03-09', { profile: served('SILVER') }), 'UPGRADE_ELIGIBLE')).toEqual([]);
    expect(ofKind(customer.closeOf('2024-03-10', { profile: served('SILVER') }), 'UPGRADE_ELIGIBLE').map(({ reason }) => reason)).toEqual([
      'Eligible: GOLD (served SILVER); 30-day average 109,999.99 CZK held above 100,000.00 CZK for 5 days',
    ]);
    expect(customer.state.upgradeTold).toBe('GOLD');
  });

  it("a household's telling is kept while the household's average is within a tenth of its floor (GOLD: 80,000 together)", () => {
    // own 50,000 (far under GOLD's 100,000 alone, even a tenth up: 55,555.56) and a member's 22,000: together 72,000,
    // exactly 90% of 80,000, kept; a member's 21,999.99: 71,999.99 / 0.9 = 79,999.99, forgotten
    const dipped = (member: number) => {
      const customer = new Customer(czk(50_000));
      customer.state.upgradeTold = 'GOLD';
      const household: HouseholdMember[] = [
        { customerId: 'c-2', state: new Customer(member, { customerId: 'c-2' }).state, profile: profile({ customerId: 'c-2', householdId: 'h-1' }) },
      ];
      expect(customer.closeOf('2024-03-01', { profile: served('SILVER', { householdId: 'h-1' }), household })).toEqual([]);
      return customer.state.upgradeTold;
    };
    expect(dipped(czk(22_000))).toBe('GOLD');
    expect(dipped(czk(22_000) - 1)).toBeNull();
  });

  it('a telling of the same tier that was never forgotten is not repeated', () => {
    const customer = crossing();
    customer.state.upgradeTold = 'GOLD';
    expect(ofKind(customer.closeOf('2024-03-09', { profile: served('SILVER') }), 'UPGRADE_ELIGIBLE')).toEqual([]);
  });

  it("the judged day's own close counts: money gone by that close is no upgrade, though the average still qualifies", () => {
    // 60,000 leaves again on 9 Mar: the average is (21 × 90,000 + 8 × 150,000 + 90,000) / 30 = 106,000, the close 90,000
    const customer = crossing().pays(czk(60_000), '2024-03-09');
    expect(ofKind(customer.closeOf('2024-03-09', { profile: served('SILVER') }), 'UPGRADE_ELIGIBLE')).toEqual([]);
  });

  it('a gated tier is put up for approval, HIGH', () => {
    const [finding] = ofKind(new Customer(czk(320_000)).closeOf('2024-03-01', { profile: served('GOLD') }), 'UPGRADE_ELIGIBLE');
    expect(finding).toMatchObject({
      priority: 'HIGH',
      reason: 'Eligible, needs approval: PLATINUM (served GOLD); 30-day average 320,000.00 CZK held above 300,000.00 CZK for 5 days',
      suggestedAction: 'Put the upgrade to PLATINUM up for approval and tell the customer what it brings.',
    });
  });

  it('with a month-to-date period the reason and evidence say so', () => {
    const { rules: monthly } = coreWith((raw) => void (raw.tiers.period = 'monthToDate'));
    const [finding] = ofKind(new Customer(czk(150_000)).closeOf('2024-03-10', { profile: served('SILVER'), rules: monthly }), 'UPGRADE_ELIGIBLE');
    expect(finding!.reason).toBe('Eligible: GOLD (served SILVER); month-to-date average 150,000.00 CZK held above 100,000.00 CZK for 5 days');
    expect(finding!.evidence[0]).toEqual({ metric: 'average_balance_monthToDate', unit: 'MINOR_UNITS', value: czk(150_000), threshold: czk(100_000), baseline: null });
  });
});

describe('downgrade risk on the close of a day (floors: GOLD 100,000, PLATINUM 300,000; near: under 110%; a fall of 10% from 14 or 42 days before, half of it to competitors, more than usual)', () => {
  const downgrades = (findings: Finding[]) => ofKind(findings, 'DOWNGRADE_RISK');
  const reasons = (findings: Finding[]) => downgrades(findings).map(({ reason }) => reason);
  const TO_COMPETITORS = 'to other banks and investment platforms in 30 days';
  // the thresholds below, each with one transfer: with a fall one day's transfer carries counted
  // every churn score corroborates here (the shipped rules need clearBelowScore: tiers.test.ts), so the money is what is tested
  const oneDay = coreWith((raw) => {
    raw.tiers.downgrade.oneDayTransferCounts = true;
    raw.churn.clearBelowScore = 0;
  }).rules;

  it('with the shipped rules a fall that one day’s transfer carried is not told (a house, a car); the same money in two transfers is', () => {
    // the shipped one-day rule, with any churn score corroborating (as in `oneDay`)
    const shipped = coreWith((raw) => void (raw.churn.clearBelowScore = 0)).rules;
    // 110,000, 40,000 to another bank on 21 Feb (one day: 96,666.67 on 1 Mar, as above) or 20,000 on 20 and 20,000 on
    // 21 Feb (two: (19 × 110,000 + 90,000 + 10 × 70,000) / 30 = 96,000, 12.7% down)
    const once = new Customer(czk(110_000)).pays(czk(40_000), '2024-02-21');
    expect(downgrades(once.closeOf('2024-03-01', { rules: shipped, profile: served('GOLD') }))).toEqual([]);
    expect(downgrades(once.closeOf('2024-03-01', { rules: oneDay, profile: served('GOLD') }))).toHaveLength(1);
    const twice = new Customer(czk(110_000)).pays(czk(20_000), '2024-02-20').pays(czk(20_000), '2024-02-21');
    expect(reasons(twice.closeOf('2024-03-01', { rules: shipped, profile: served('GOLD') }))).toEqual([
      `Below the GOLD floor: average 96,000.00 CZK against 100,000.00 CZK, down 13% from its average 14 or 42 days before; 40,000.00 CZK ${TO_COMPETITORS} (usually 0.00 CZK); churn score 17/100`,
    ]);
    // beyond the largest day the rest must still be half the fall: 6,000 on 20 Feb and 34,000 on 21 Feb average
    // 96,466.67 on 1 Mar, a fall of 13,533.33; the 6,000 beyond the largest day is under half of it
    const mostlyOnce = new Customer(czk(110_000)).pays(czk(6_000), '2024-02-20').pays(czk(34_000), '2024-02-21');
    expect(downgrades(mostlyOnce.closeOf('2024-03-01', { rules: shipped, profile: served('GOLD') }))).toEqual([]);
    expect(downgrades(mostlyOnce.closeOf('2024-03-01', { rules: oneDay, profile: served('GOLD') }))).toHaveLength(1);
  });

  it('a GOLD customer whose money went to another bank, below the floor: MEDIUM, for the RM, with the average, its fall and where the money went', () => {
    // 110,000, 40,000 to another bank on 21 Feb: on 1 Mar (20 × 110,000 + 10 × 70,000) / 30 = 96,666.67, down
    // 13,333.33 (1,212 bp) from the 110,000 of 16 Feb and 19 Jan; the 40,000 is more than half the fall, and the
    // customer sent nothing to competitors in the 60 days before
    const customer = new Customer(czk(110_000)).pays(czk(40_000), '2024-02-21');
    expect(downgrades(customer.closeOf('2024-03-01', { rules: oneDay, profile: served('GOLD') }))).toEqual([
      {
        kind: 'DOWNGRADE_RISK',
        priority: 'MEDIUM',
        causeKey: `GOLD:${dayNo('2024-03-01')}`,
        reason: `Below the GOLD floor: average 96,666.67 CZK against 100,000.00 CZK, down 12% from its average 14 or 42 days before; 40,000.00 CZK ${TO_COMPETITORS} (usually 0.00 CZK); churn score 7/100`,
        suggestedAction: 'Talk to the customer before the tier review: find out where the money is going.',
        evidence: [
          { metric: 'average_balance_rolling30', unit: 'MINOR_UNITS', value: 9_666_667, threshold: czk(100_000), baseline: czk(110_000) },
          { metric: 'average_fall', unit: 'BASIS_POINTS', value: 1_212, threshold: 1_000, baseline: null },
          { metric: 'outflow_to_competitors_30d', unit: 'MINOR_UNITS', value: czk(40_000), threshold: null, baseline: 0 },
          // the churn score of the same close, against the score it must reach (clearBelowScore, 0 in these rules)
          { metric: 'churn_score', unit: 'SCORE', value: 7, threshold: 0, baseline: null },
        ],
        amountAtStakeMinor: 9_666_667,
        counterpartyKind: null,
        toCompetitor: false,
        causeTransactionId: null,
        eventTime: endOf('2024-03-01'),
        feeds: ['rm'],
      },
    ]);
  });

  it('an average under the floor that did not fall (steady, or rising) is for the tier review, not told', () => {
    expect(downgrades(new Customer(czk(95_000)).closeOf('2024-03-01', { rules: oneDay, profile: served('GOLD') }))).toEqual([]);
    // 80,000, 15,000 in on 21 Feb: (20 × 80,000 + 10 × 95,000) / 30 = 85,000, over 16 Feb's 80,000
    expect(downgrades(new Customer(czk(80_000)).receives(czk(15_000), '2024-02-21').closeOf('2024-03-01', { rules: oneDay, profile: served('GOLD') }))).toEqual([]);
  });

  it('an average exactly at the floor is near it, not below it; a haléř under is below', () => {
    // 340,000, 40,000 to another bank on 1 Feb: every close of the 30 days to 1 Mar is 300,000, 11.8% under 19 Jan's
    // 340,000 (16 Feb's: (14 × 340,000 + 16 × 300,000) / 30 = 318,666.67)
    expect(reasons(new Customer(czk(340_000)).pays(czk(40_000), '2024-02-01').closeOf('2024-03-01', { rules: oneDay, profile: served('PLATINUM') }))).toEqual([
      `Falling toward the PLATINUM floor: average 300,000.00 CZK, down 12% from its average 14 or 42 days before; floor 300,000.00 CZK; 40,000.00 CZK ${TO_COMPETITORS} (usually 0.00 CZK); churn score 3/100`,
    ]);
    expect(reasons(new Customer(czk(340_000)).pays(czk(40_000) + 1, '2024-02-01').closeOf('2024-03-01', { rules: oneDay, profile: served('PLATINUM') }))).toEqual([
      `Below the PLATINUM floor: average 299,999.99 CZK against 300,000.00 CZK, down 12% from its average 14 or 42 days before; 40,000.01 CZK ${TO_COMPETITORS} (usually 0.00 CZK); churn score 3/100`,
    ]);
  });

  it('near the floor without falling is no risk', () => {
    expect(downgrades(new Customer(czk(300_000)).closeOf('2024-03-01', { rules: oneDay, profile: served('PLATINUM') }))).toEqual([]);
    expect(downgrades(new Customer(czk(320_000)).closeOf('2024-03-01', { rules: oneDay, profile: served('PLATINUM') }))).toEqual([]);
  });

  it('a fall of exactly 10% toward the floor is told, one a little smaller is not', () => {
    // 350,000, 75,000 out on 17 Feb: on 1 Mar (16 × 350,000 + 14 × 275,000) / 30 = 315,000, exactly 10% under 16 Feb's
    // (and 19 Jan's) 350,000; on 29 Feb (17 × 350,000 + 13 × 275,000) / 30 = 317,500, 9.3% under
    const customer = new Customer(czk(350_000)).pays(czk(75_000), '2024-02-17');
    expect(downgrades(customer.closeOf('2024-02-29', { rules: oneDay, profile: served('PLATINUM') }))).toEqual([]);
    expect(downgrades(customer.closeOf('2024-03-01', { rules: oneDay, profile: served('PLATINUM') })).map(({ priority, reason }) => [priority, reason])).toEqual([
      ['HIGH', `Falling toward the PLATINUM floor: average 315,000.00 CZK, down 10% from its average 14 or 42 days before; floor 300,000.00 CZK; 75,000.00 CZK ${TO_COMPETITORS} (usually 0.00 CZK); churn score 6/100`],
    ]);
  });

  it('the fall is judged against the higher of the averages 14 and 42 days before', () => {
    // 340,000, 34,000 to another bank on 1 Feb: on 1 Mar 306,000; 16 Feb's average (14 × 340,000 + 16 × 306,000) / 30
    // = 321,866.67 saw only part of the fall (4.9%), 19 Jan's 340,000 all of it: exactly 10%
    const earlyLeaver = new Customer(czk(340_000)).pays(czk(34_000), '2024-02-01').closeOf('2024-03-01', { rules: oneDay, profile: served('PLATINUM') });
    expect(downgrades(earlyLeaver).map(({ evidence }) => evidence.slice(0, 2).map(({ value, baseline }) => [value, baseline]))).toEqual([
      [
        [czk(306_000), czk(340_000)],
        [1_000, null],
      ],
    ]);
    // 250,000 until 100,000 more came on 1 Jan, 75,000 to another bank on 17 Feb: 1 Mar's average is 315,000 as above;
    // 19 Jan's (11 × 250,000 + 19 × 350,000) / 30 = 313,333.33 is under it (no fall), 16 Feb's 350,000 exactly 10% over
    const newMoney = new Customer(czk(250_000)).receives(czk(100_000), '2024-01-01').pays(czk(75_000), '2024-02-17');
    expect(downgrades(newMoney.closeOf('2024-03-01', { rules: oneDay, profile: served('PLATINUM') })).map(({ evidence }) => evidence.slice(0, 2).map(({ value, baseline }) => [value, baseline]))).toEqual([
      [
        [czk(315_000), czk(350_000)],
        [1_000, null],
      ],
    ]);
  });

  it('at least half the fall must have gone to competitors (other banks, investment platforms): exactly half is told, a haléř less is spending', () => {
    // 110,000, then on 1 Feb 12,000 out in all: every close of the 30 days to 1 Mar is 98,000, down 12,000 (10.9%)
    // from 19 Jan's 110,000; half the fall is 6,000
    const split = (toCompetitors: number) =>
      new Customer(czk(110_000))
        .pays(toCompetitors - czk(2_000), '2024-02-01')
        .pays(czk(2_000), '2024-02-01', { counterpartyKind: 'INVESTMENT_PLATFORM' })
        .pays(czk(12_000) - toCompetitors, '2024-02-01', { counterpartyKind: 'NONE' })
        .closeOf('2024-03-01', { rules: oneDay, profile: served('GOLD') });
    expect(reasons(split(czk(6_000)))).toEqual([
      `Below the GOLD floor: average 98,000.00 CZK against 100,000.00 CZK, down 11% from its average 14 or 42 days before; 6,000.00 CZK ${TO_COMPETITORS} (usually 0.00 CZK); churn score 2/100`,
    ]);
    expect(downgrades(split(czk(6_000) - 1))).toEqual([]);
  });

  it('what went to competitors must be more than 1.5 times their usual 30 days (from the 60 before): 12,000 against a usual 8,000 is not', () => {
    // 16,000 to another bank and back from an own account on 10 Dec (closes unchanged): 16,000 in the 60 days before
    // the last 30, 8,000 per 30 days; then 110,000 less what went to another bank on 1 Feb: 1 Mar's average
    // 98,000 (or 97,999.99) is down over 10% from 19 Jan's 110,000, and the transfer is the whole fall
    const sent = (amount: number) =>
      new Customer(czk(110_000))
        .pays(czk(16_000), '2023-12-10')
        .receives(czk(16_000), '2023-12-10')
        .pays(amount, '2024-02-01')
        .closeOf('2024-03-01', { rules: oneDay, profile: served('GOLD') });
    expect(downgrades(sent(czk(12_000)))).toEqual([]);
    expect(reasons(sent(czk(12_000) + 1))).toEqual([
      `Below the GOLD floor: average 97,999.99 CZK against 100,000.00 CZK, down 11% from its average 14 or 42 days before; 12,000.01 CZK ${TO_COMPETITORS} (usually 8,000.00 CZK); churn score 1/100`,
    ]);
  });

  it('an average exactly 10% above the floor is not near it, however fast it fell', () => {
    // 400,000, 150,000 out on 17 Feb: (16 × 400,000 + 14 × 250,000) / 30 = 330,000 (17.5% down); 151,000: 329,533.33
    expect(downgrades(new Customer(czk(400_000)).pays(czk(150_000), '2024-02-17').closeOf('2024-03-01', { rules: oneDay, profile: served('PLATINUM') }))).toEqual([]);
    expect(reasons(new Customer(czk(400_000)).pays(czk(151_000), '2024-02-17').closeOf('2024-03-01', { rules: oneDay, profile: served('PLATINUM') }))).toEqual([
      `Falling toward the PLATINUM floor: average 329,533.33 CZK, down 18% from its average 14 or 42 days before; floor 300,000.00 CZK; 151,000.00 CZK ${TO_COMPETITORS} (usually 0.00 CZK); churn score 7/100`,
    ]);
  });

  it('one episode: told once while it lasts, a new one after the average recovered', () => {
    const slide = () => new Customer(czk(400_000)).pays(czk(151_000), '2024-02-17');
    // told in an earlier episode and never recovered since: not again
    const unrecovered = slide();
    unrecovered.state.downgradeTold = 'PLATINUM';
    expect(downgrades(unrecovered.closeOf('2024-03-01', { rules: oneDay, profile: served('PLATINUM') }))).toEqual([]);
    // the close of 16 Feb (average 400,000, well above the margin) ends the episode: the fall is news again
    const recovered = slide();
    recovered.state.downgradeTold = 'PLATINUM';
    expect(downgrades(recovered.closeOf('2024-02-16', { rules: oneDay, profile: served('PLATINUM') }))).toEqual([]);
    expect(recovered.state.downgradeTold).toBeNull();
    expect(downgrades(recovered.closeOf('2024-03-01', { rules: oneDay, profile: served('PLATINUM') }))).toHaveLength(1);
    expect(recovered.state.downgradeTold).toBe('PLATINUM');
  });

  it('an episode told while served at another tier does not silence the tier served now', () => {
    // 330,000, 45,000 to another bank on 1 Feb: 285,000 on 1 Mar, 13.6% under 19 Jan's 330,000
    const customer = new Customer(czk(330_000)).pays(czk(45_000), '2024-02-01');
    customer.state.downgradeTold = 'BLACK_GOLD';
    expect(reasons(customer.closeOf('2024-03-01', { rules: oneDay, profile: served('PLATINUM') }))).toEqual([
      `Below the PLATINUM floor: average 285,000.00 CZK against 300,000.00 CZK, down 14% from its average 14 or 42 days before; 45,000.00 CZK ${TO_COMPETITORS} (usually 0.00 CZK); churn score 3/100`,
    ]);
    expect(customer.state.downgradeTold).toBe('PLATINUM');
  });

  it('SILVER has no floor to fall below, even overdrawn by a transfer to another bank; without a profile the served tier is unknown', () => {
    // 50,000, 60,000 to another bank on 1 Feb: -10,000 on every close to 1 Mar, a fall of 120% from 19 Jan's 50,000,
    // all of it to a competitor: a downgrade risk, were there a tier under SILVER
    const overdrawn = () => new Customer(czk(50_000)).pays(czk(60_000), '2024-02-01');
    expect(downgrades(overdrawn().closeOf('2024-03-01', { rules: oneDay, profile: served('SILVER') }))).toEqual([]);
    expect(downgrades(overdrawn().closeOf('2024-03-01'))).toEqual([]);
  });

  describe('a household that keeps the tier together (PLATINUM: 250,000 together)', () => {
    const withMember = (balance: number, tier: string): HouseholdMember[] => [
      { customerId: 'c-2', state: new Customer(balance, { customerId: 'c-2' }).state, profile: profile({ customerId: 'c-2', householdId: 'h-1', servedTier: tier }) },
    ];

    it('keeps it at exactly the household floor, not below it', () => {
      // 230,000, 30,000 to another bank on 1 Feb: 200,000 on 1 Mar, 13% under 19 Jan's 230,000; with the member's
      // 50,000 the household's 250,000 keeps PLATINUM, with 40,000 it does not
      const own = () => new Customer(czk(230_000)).pays(czk(30_000), '2024-02-01');
      expect(downgrades(own().closeOf('2024-03-01', { rules: oneDay, profile: served('PLATINUM', { householdId: 'h-1' }), household: withMember(czk(50_000), 'PLATINUM') }))).toEqual([]);
      expect(downgrades(own().closeOf('2024-03-01', { rules: oneDay, profile: served('PLATINUM', { householdId: 'h-1' }), household: withMember(czk(40_000), 'PLATINUM') })).map(({ reason }) => reason)).toEqual([
        `Below the PLATINUM floor: average 200,000.00 CZK against 300,000.00 CZK, down 13% from its average 14 or 42 days before; 30,000.00 CZK ${TO_COMPETITORS} (usually 0.00 CZK); churn score 3/100`,
      ]);
    });

    it('BLACK_GOLD has no household floor: a rich household does not keep it', () => {
      // 1,000,000, 100,000 to another bank on 1 Feb: 900,000 on 1 Mar, exactly 10% under 19 Jan's 1,000,000
      const findings = new Customer(czk(1_000_000))
        .pays(czk(100_000), '2024-02-01')
        .closeOf('2024-03-01', { rules: oneDay, profile: served('BLACK_GOLD', { householdId: 'h-1' }), household: withMember(czk(2_000_000), 'BLACK_GOLD') });
      expect(reasons(findings)).toEqual([
        `Below the BLACK_GOLD floor: average 900,000.00 CZK against 1,000,000.00 CZK, down 10% from its average 14 or 42 days before; 100,000.00 CZK ${TO_COMPETITORS} (usually 0.00 CZK); churn score 3/100`,
      ]);
    });
  });
});

describe('idle funds on the close of a day (300,000 for 180 days, LOW risk appetite)', () => {
  const idle = (findings: Finding[]) => ofKind(findings, 'IDLE_FUNDS');

  it('an average of exactly 300,000 is idle: LOW for a customer outside the top tiers, to the RM and the campaigns', () => {
    expect(idle(new Customer(czk(300_000)).closeOf('2024-03-01', { profile: served('GOLD') }))).toEqual([
      {
        kind: 'IDLE_FUNDS',
        priority: 'LOW',
        causeKey: `${dayNo('2024-03-01')}`,
        reason: '300,000.00 CZK average balance idle for 180 days (no investment seen); declared low risk appetite',
        suggestedAction: 'Offer a conservative product (term deposit, money-market fund) that fits the declared risk appetite.',
        evidence: [{ metric: 'average_daily_balance_30d', unit: 'MINOR_UNITS', value: czk(300_000), threshold: czk(300_000), baseline: null }],
        amountAtStakeMinor: czk(300_000),
        counterpartyKind: null,
        toCompetitor: false,
        causeTransactionId: null,
        eventTime: endOf('2024-03-01'),
        feeds: ['rm', 'campaign'],
      },
    ]);
  });

  it('watched for exactly 180 days is long enough; one day less is not', () => {
    const since = plusDays('2024-03-01', -180); // 3 Sep 2023
    expect(idle(new Customer(czk(400_000), { since }).closeOf('2024-03-01', { profile: served('GOLD') }))).toHaveLength(1);
    expect(idle(new Customer(czk(400_000), { since: plusDays(since, 1) }).closeOf('2024-03-01', { profile: served('GOLD') }))).toEqual([]);
  });

  it('an investment exactly 180 days ago no longer counts; one a day later does', () => {
    const investedOn = (on: string) => {
      const customer = new Customer(czk(400_000));
      customer.state.lastInvestmentAt = pragueWinter(on);
      return idle(customer.closeOf('2024-03-01', { profile: served('GOLD') }));
    };
    expect(investedOn('2023-09-03').map(({ reason }) => reason)).toEqual(['400,000.00 CZK average balance idle for 180 days (last investment 2023-09-03); declared low risk appetite']);
    expect(investedOn('2023-09-04')).toEqual([]);
  });
});

describe('an idle-funds episode (told once while the money sits still, again a year after)', () => {
  const idle = (findings: Finding[]) => ofKind(findings, 'IDLE_FUNDS');
  const gold = { profile: served('GOLD') };

  it('is told once, and remembered: not the next day, nor any day while nothing changed', () => {
    const customer = new Customer(czk(400_000));
    expect(idle(customer.closeOf('2024-03-01', gold))).toHaveLength(1);
    expect(customer.state.idleTold).toBe(dayNo('2024-03-01'));
    expect(idle(customer.closeOf('2024-03-02', gold))).toEqual([]);
    expect(idle(customer.closeOf('2024-06-01', gold))).toEqual([]); // 92 days on: past the old 90-day cooldown
    expect(customer.state.idleTold).toBe(dayNo('2024-03-01'));
  });

  it('is told again exactly 365 days after the last telling, not a day sooner', () => {
    const toldBefore = (days: number) => {
      const customer = new Customer(czk(400_000));
      customer.state.idleTold = dayNo('2024-03-01') - days;
      return [idle(customer.closeOf('2024-03-01', gold)).length, customer.state.idleTold];
    };
    expect(toldBefore(365)).toEqual([1, dayNo('2024-03-01')]);
    expect(toldBefore(364)).toEqual([0, dayNo('2024-03-01') - 364]);
  });

  it('ends when the customer invests or the money goes: idle again later is news again', () => {
    const invested = new Customer(czk(400_000));
    invested.state.idleTold = dayNo('2024-01-10');
    invested.state.lastInvestmentAt = pragueWinter('2024-02-15');
    expect(idle(invested.closeOf('2024-03-01', gold))).toEqual([]);
    expect('idleTold' in invested.state).toBe(false);
    // 250,000 on 1 Mar (under the 300,000): the episode ends; 200,000 more on 2 Mar: the 30-day average on 31 Mar is
    // 450,000, idle again and told again
    const spent = new Customer(czk(250_000));
    spent.state.idleTold = dayNo('2024-01-10');
    expect(idle(spent.closeOf('2024-03-01', gold))).toEqual([]);
    expect('idleTold' in spent.state).toBe(false);
    spent.receives(czk(200_000), '2024-03-02');
    expect(idle(spent.closeOf('2024-03-31', gold)).map(({ reason }) => reason)).toEqual([
      '450,000.00 CZK average balance idle for 180 days (no investment seen); declared low risk appetite',
    ]);
    // a customer who never had an episode keeps a state without one
    const never = new Customer(czk(250_000));
    never.closeOf('2024-03-01', gold);
    expect('idleTold' in never.state).toBe(false);
  });
});

describe('the RFM segment remembered at each close', () => {
  // 200,000 (valuable), no transactions (not frequent), last active 45 days before 1 Mar (not recent): IMPORTANT_WIN_BACK
  const lapsed = () => {
    const customer = new Customer(czk(200_000));
    customer.state.lastActivityAt = pragueWinter('2024-01-16');
    return customer;
  };

  it('a slide into a retain/win-back segment is one from IMPORTANT_VALUE only', () => {
    const customer = lapsed();
    customer.state.rfm = { segment: 'IMPORTANT_DEVELOP', slidFrom: null, slidOn: 0 };
    customer.closeOf('2024-03-01');
    expect(customer.state.rfm).toEqual({ segment: 'IMPORTANT_WIN_BACK', slidFrom: null, slidOn: 0 });
  });

  it('a slide is remembered, with its day, while the customer stays in the retain/win-back segments', () => {
    const customer = lapsed();
    customer.state.rfm = { segment: 'IMPORTANT_RETAIN', slidFrom: 'IMPORTANT_VALUE', slidOn: dayNo('2024-02-10') };
    customer.closeOf('2024-03-01');
    expect(customer.state.rfm).toEqual({ segment: 'IMPORTANT_WIN_BACK', slidFrom: 'IMPORTANT_VALUE', slidOn: dayNo('2024-02-10') });
  });
});

/** A scorecard whose score is `score` in each bin: the log-odds of that chance, intercept 0. */
const logit = (score: number) => Math.log(score / (100 - score));
const scorecard = (features: BinnedFeature[], intercept = 0): Scorecard => ({ ...scorecardOf(rules), version: 'test', intercept, features, alertFromScore: 50, clearBelowScore: 30 });
const rulesWith = (card: Scorecard) => coreWith((raw) => void (raw.churn.scorecard = card)).rules;

/**
 * The churn score as a dial on the balance against its usual level (closeVsNormal; a customer's "usual" here is the
 * steady balance they held before the last 30 days): under 20% of it 95, then 80, 79, 65, 50 (from 50%), 49, 30
 * (from 70%), 29, and 5 from 90% on or when not measurable.
 */
const dialScores = [95, 80, 79, 65, 50, 49, 30, 29, 5];
const dial = rulesWith(
  scorecard([{ name: 'closeVsNormal', edges: [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], points: dialScores.map(logit), missingPoints: logit(5), normalBin: 8 }]),
);
const ONE_OFF = '. Income and everyday activity go on: it may be a one-off payment; tidewatch escalates if they stop';

describe('one churn episode, judged close by close (alert from 50, clear below 30, escalate by 15)', () => {
  it('opens at 50, is not repeated, escalates at exactly +15 one priority higher, stays open at 30 and closes at 29', () => {
    const customer = new Customer(czk(100_000));
    const churn = (on: string) => ofKind(customer.closeOf(on, { rules: dial }), 'CHURN_RISK');
    const opened = dayNo('2024-03-01');
    customer.pays(czk(50_000), '2024-03-01');
    expect(churn('2024-03-01')).toEqual([
      {
        kind: 'CHURN_RISK',
        priority: 'MEDIUM',
        causeKey: `${opened}:50`,
        reason: `Churn risk 50/100: balance 50% of its usual level (50,000.00 CZK against 100,000.00 CZK)${ONE_OFF}`,
        suggestedAction: 'Ask the customer what the money was for, and whether the bank can help with it.',
        evidence: [
          { metric: 'churn_score', unit: 'SCORE', value: 50, threshold: 50, baseline: null },
          { metric: 'closing_balance', unit: 'MINOR_UNITS', value: czk(50_000), threshold: null, baseline: czk(100_000) },
        ],
        amountAtStakeMinor: Math.round((29 * czk(100_000) + czk(50_000)) / 30),
        counterpartyKind: null,
        toCompetitor: false,
        causeTransactionId: null,
        eventTime: endOf('2024-03-01'),
        feeds: ['rm'],
      },
    ]);
    expect(churn('2024-03-02')).toEqual([]);
    customer.pays(czk(5_000), '2024-03-03'); // 45%: 65
    // (the usual level is derived from rounded averages: 100,000.00 give or take a haléř)
    expect(churn('2024-03-03').map(({ priority, causeKey, reason, evidence }) => ({ priority, causeKey, reason, score: evidence[0] }))).toEqual([
      {
        priority: 'HIGH',
        causeKey: `${opened}:65`,
        reason: expect.stringMatching(/^Churn risk rising 65\/100: balance 45% of its usual level \(45,000\.00 CZK against (99,999\.99|100,000\.0[01]) CZK\)\. Income/),
        score: { metric: 'churn_score', unit: 'SCORE', value: 65, threshold: 50, baseline: 50 },
      },
    ]);
    expect(customer.state.churn).toEqual({ since: opened, toldScore: 65, toldLevel: 'HIGH' });
    customer.receives(czk(30_000), '2024-03-04'); // 75%: 30, not below 30
    expect(churn('2024-03-04')).toEqual([]);
    expect(customer.state.churn).toEqual({ since: opened, toldScore: 65, toldLevel: 'HIGH' });
    customer.receives(czk(10_000), '2024-03-05'); // 85%: 29, the first day under the clearing score
    expect(churn('2024-03-05')).toEqual([]);
    expect(customer.state.churn).toEqual({ since: opened, toldScore: 65, toldLevel: 'HIGH', quietSince: dayNo('2024-03-05') });
    customer.pays(czk(10_000), '2024-03-06'); // 75%: 30 again, the clearing score itself: the quiet run is broken
    expect(churn('2024-03-06')).toEqual([]);
    expect(customer.state.churn).toEqual({ since: opened, toldScore: 65, toldLevel: 'HIGH' });
    customer.pays(czk(25_000), '2024-03-07'); // 50%: the same episode, under the 65 + 15 that would escalate it
    expect(churn('2024-03-07')).toEqual([]);
    expect(customer.state.churn).toEqual({ since: opened, toldScore: 65, toldLevel: 'HIGH' });
  });

  it('closes only once the score stayed under the clearing score for churn.clearAfterDays (30) days in a row', () => {
    const calm = rulesWith(scorecard([{ name: 'closeVsNormal', edges: [], points: [0], missingPoints: 0, normalBin: 0 }], logit(10)));
    const fifty = rulesWith(scorecard([{ name: 'closeVsNormal', edges: [], points: [0], missingPoints: 0, normalBin: 0 }], logit(50)));
    const customer = new Customer(czk(100_000));
    const opened = dayNo('2024-02-01');
    customer.state.churn = { since: opened, toldScore: 50, toldLevel: 'MEDIUM' };
    const close = (on: string, rules: typeof calm) => ofKind(customer.closeOf(on, { rules }), 'CHURN_RISK');
    expect(close('2024-03-01', calm)).toEqual([]);
    expect(customer.state.churn).toEqual({ since: opened, toldScore: 50, toldLevel: 'MEDIUM', quietSince: dayNo('2024-03-01') });
    // back at 50 after ten quiet days: the run is broken, nothing is told (the episode was told at 50)
    expect(close('2024-03-11', fifty)).toEqual([]);
    expect(customer.state.churn).toEqual({ since: opened, toldScore: 50, toldLevel: 'MEDIUM' });
    // a new run from 12 March: its 29th day keeps the episode, its 30th closes it
    expect(close('2024-03-12', calm)).toEqual([]);
    expect(close('2024-04-09', calm)).toEqual([]);
    expect(customer.state.churn).toEqual({ since: opened, toldScore: 50, toldLevel: 'MEDIUM', quietSince: dayNo('2024-03-12') });
    expect(close('2024-04-10', calm)).toEqual([]);
    expect(customer.state.churn).toBeNull();
    // closed: 50 opens a new episode
    expect(close('2024-04-11', fifty).map(({ causeKey }) => causeKey)).toEqual([`${dayNo('2024-04-11')}:50`]);
  });

  it('a score of 80 opens HIGH, 79 MEDIUM', () => {
    const opening = (paid: number) => ofKind(new Customer(czk(100_000)).pays(paid, '2024-03-01').closeOf('2024-03-01', { rules: dial }), 'CHURN_RISK').map(({ priority, reason }) => [priority, reason.split(':')[0]]);
    expect(opening(czk(75_000))).toEqual([['HIGH', 'Churn risk 80/100']]);
    expect(opening(czk(65_000))).toEqual([['MEDIUM', 'Churn risk 79/100']]);
  });

  it('an episode recorded without the level it was told at escalates on the rise alone', () => {
    const customer = new Customer(czk(100_000)).pays(czk(55_000), '2024-03-01'); // 45%: 65
    customer.state.churn = { since: dayNo('2024-02-20'), toldScore: 50 };
    expect(ofKind(customer.closeOf('2024-03-01', { rules: dial }), 'CHURN_RISK').map(({ priority, causeKey }) => [priority, causeKey])).toEqual([['HIGH', `${dayNo('2024-02-20')}:65`]]);
  });

  it('the value at stake raises the priority: a top-tier customer, or an average of exactly 1,000,000', () => {
    const topTier = new Customer(czk(100_000)).pays(czk(50_000), '2024-03-01').closeOf('2024-03-01', { rules: dial, tier: 'PLATINUM' });
    expect(ofKind(topTier, 'CHURN_RISK').map(({ priority }) => priority)).toEqual(['HIGH']);
    // 1,250,000, half of it gone 12 days ago: (18 × 1,250,000 + 12 × 625,000) / 30 = 1,000,000
    const rich = new Customer(czk(1_250_000)).pays(czk(625_000), '2024-02-19').closeOf('2024-03-01', { rules: dial });
    expect(ofKind(rich, 'CHURN_RISK').map(({ priority, amountAtStakeMinor }) => [priority, amountAtStakeMinor])).toEqual([['HIGH', czk(1_000_000)]]);
  });

  it('the value floor (5,000) is judged on the higher of the 30- and 90-day averages, and 5,000 itself is not under it', () => {
    // 6,000 until half left 30 days before: the 30-day average 3,000, the 90-day (60 × 6,000 + 30 × 3,000) / 90 = 5,000
    const atFloor = new Customer(czk(6_000)).pays(czk(3_000), '2024-02-01').closeOf('2024-03-01', { rules: dial });
    expect(ofKind(atFloor, 'CHURN_RISK').map(({ priority, amountAtStakeMinor }) => [priority, amountAtStakeMinor])).toEqual([['MEDIUM', czk(3_000)]]);
  });

  it('the training observer sees every assessment: customer, day, features and score', () => {
    const seen: ChurnObservation[] = [];
    new Customer(czk(100_000)).pays(czk(50_000), '2024-03-01').closeOf('2024-03-01', { rules: dial, observer: (observation) => seen.push(observation) });
    expect(seen).toEqual([{ customerId: 'c-1', day: dayNo('2024-03-01'), vector: expect.objectContaining({ closeVsNormal: 0.5 }), score: 50 }]);
  });
});

describe('after an exit (an episode the exit opened), the customer is gone until the money is back', () => {
  // a scorecard that scores everyone 10: under the clearing score, so only the money decides whether the episode ends
  const calm = rulesWith(scorecard([{ name: 'closeVsNormal', edges: [], points: [0], missingPoints: 0, normalBin: 0 }], logit(10)));
  const exited = (customer: Customer) => {
    customer.state.churn = { since: dayNo('2024-02-25'), toldScore: 100, toldLevel: 'URGENT', exit: true };
    return customer;
  };

  it('under half of the usual balance the episode stays, silently; at half it ends', () => {
    const gone = exited(new Customer(czk(100_000)).pays(czk(55_000), '2024-02-25'));
    expect(gone.closeOf('2024-03-01', { rules: calm })).toEqual([]);
    expect(gone.state.churn).toEqual({ since: dayNo('2024-02-25'), toldScore: 100, toldLevel: 'URGENT', exit: true });
    const back = exited(new Customer(czk(100_000)).pays(czk(50_000), '2024-02-25'));
    expect(back.closeOf('2024-03-01', { rules: calm })).toEqual([]);
    expect(back.state.churn).toBeNull();
  });

  it('without a usual level to compare with (known for 40 days), the exit stands', () => {
    const young = exited(new Customer(czk(100_000), { since: '2024-01-21' }).pays(czk(90_000), '2024-02-25'));
    young.closeOf('2024-03-01', { rules: calm });
    expect(young.state.churn).toMatchObject({ exit: true });
  });

  it('an episode the score opened ends once the score stayed below the clearing score, wherever the balance is', () => {
    const customer = new Customer(czk(100_000)).pays(czk(55_000), '2024-02-25');
    customer.state.churn = { since: dayNo('2024-02-25'), toldScore: 65, toldLevel: 'HIGH', quietSince: dayNo('2024-02-01') };
    customer.closeOf('2024-03-01', { rules: calm });
    expect(customer.state.churn).toBeNull();
  });
});

describe('what a churn alert says about its reasons', () => {
  /** Card payments of 100.00 every other day from 3 Dec 2023 to `until` (the customer's everyday activity), then 60,000 to another bank on 1 Mar. */
  const spender = (until: string) => {
    const customer = new Customer(czk(100_000));
    for (let on = '2023-12-03'; on <= until; on = plusDays(on, 2)) customer.pays(czk(100), on, { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' });
    return customer.pays(czk(60_000), '2024-03-01');
  };

  it('when only money moved and everyday activity goes on, it may be a one-off payment; when activity stopped too, it is not', () => {
    // money gone (+2) and activity stopped (+1: only the transfer itself in 30 days) on an intercept of −2
    const card = rulesWith(
      scorecard(
        [
          { name: 'closeVsNormal', edges: [0.6], points: [2, 0], missingPoints: 0, normalBin: 1 },
          { name: 'activityVsUsual', edges: [0.5], points: [1, 0], missingPoints: 0, normalBin: 1 },
        ],
        -2,
      ),
    );
    const [oneOff] = ofKind(spender('2024-02-28').closeOf('2024-03-01', { rules: card }), 'CHURN_RISK');
    expect(oneOff!.reason).toMatch(/^Churn risk 50\/100: balance \d\d% of its usual level \([^)]*\)\. Income and everyday activity go on: it may be a one-off payment; tidewatch escalates if they stop$/);
    expect(oneOff!.suggestedAction).toBe('Ask the customer what the money was for, and whether the bank can help with it.');
    const [leaving] = ofKind(spender('2024-01-15').closeOf('2024-03-01', { rules: card }), 'CHURN_RISK');
    expect(leaving!.reason).toMatch(/^Churn risk 73\/100: balance \d\d% of its usual level \([^)]*\); 1 customer-initiated transaction in 30 days; usually 11$/);
    expect(leaving!.suggestedAction).toBe('Call the customer this week: ask how the relationship is going and what would keep them.');
    expect(leaving!.evidence.map(({ metric }) => metric)).toEqual(['churn_score', 'closing_balance', 'customer_transactions_30d']);
  });

  it('names the top three reasons, strongest first, with their evidence', () => {
    const card = rulesWith(
      scorecard(
        [
          { name: 'netFlowShare', edges: [-0.3], points: [0.4, 0], missingPoints: 0, normalBin: 1 },
          { name: 'largestOutflowShare', edges: [0.3], points: [0, 0.6], missingPoints: 0, normalBin: 0 },
          { name: 'closeVsNormal', edges: [0.6], points: [1, 0], missingPoints: 0, normalBin: 1 },
          { name: 'fallBelowUsualLow', edges: [0.3], points: [0, 0.8], missingPoints: 0, normalBin: 0 },
        ],
        -2.5,
      ),
    );
    const [alert] = ofKind(new Customer(czk(100_000)).pays(czk(60_000), '2024-03-01').closeOf('2024-03-01', { rules: card }), 'CHURN_RISK');
    // −2.5 + 1 + 0.8 + 0.6 + 0.4 = 0.3: 57%
    expect(alert!.reason.endsWith(ONE_OFF)).toBe(true);
    expect(alert!.reason.slice(0, -ONE_OFF.length).split('; ').map((reason) => reason.replace(/\d[\d,.]*/g, 'n'))).toEqual([
      'Churn risk n/n: balance n% of its usual level (n CZK against n CZK)',
      'balance n CZK against a usual low of n CZK: down n% of its n-day peak of n CZK',
      'n CZK left in one day, n% of the n-day average balance',
    ]);
    expect(alert!.reason.startsWith('Churn risk 57/100: ')).toBe(true);
    expect(alert!.evidence.map(({ metric }) => metric)).toEqual(['churn_score', 'closing_balance', 'fall_below_usual_low', 'usual_low_balance', 'sustained_peak_balance_90d', 'largest_daily_outflow_30d']);
  });

  it('a score the intercept alone reaches names no reason and does not call it a one-off payment', () => {
    const card = rulesWith(scorecard([{ name: 'closeVsNormal', edges: [], points: [0], missingPoints: 0, normalBin: 0 }], 0));
    const [alert] = ofKind(new Customer(czk(100_000)).closeOf('2024-03-01', { rules: card }), 'CHURN_RISK');
    expect(alert).toMatchObject({ reason: 'Churn risk 50/100: the scorecard’s base rate, no feature above its usual', suggestedAction: 'Call the customer this week: ask how the relationship is going and what would keep them.' });
    expect(alert!.evidence).toEqual([{ metric: 'churn_score', unit: 'SCORE', value: 50, threshold: 50, baseline: null }]);
  });
});
