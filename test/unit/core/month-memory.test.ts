import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../../../src/adapters/redis/state-codec.ts';
import { measureChurn } from '../../../src/core/churn-features.ts';
import { assessChurn } from '../../../src/core/churn.ts';
import { CustomerFeatures } from '../../../src/core/features.ts';
import { formatMoney } from '../../../src/core/money.ts';
import { MONTH_DAYS, REMEMBERED_MONTHS, competitorMonthsBefore, competitorRun, largestMonthOfShare, rememberMonths, rememberedMonths } from '../../../src/core/month-memory.ts';
import type { RememberedMonth } from '../../../src/core/month-memory.ts';
import type { CustomerState } from '../../../src/core/state.ts';
import { Ledger, MemoryStore, calendar, czk, dayNo, pragueWinter, profile, rules } from '../../support/core-fixtures.ts';

const MONTHS = ['2023-06', '2023-07', '2023-08', '2023-09', '2023-10', '2023-11', '2023-12', '2024-01', '2024-02', '2024-03'];

/**
 * A customer with 100,000.00 from June 2023: a standing transfer of `usual` to another bank on the 5th, a salary of
 * 30,000.00 and `usual` on the 10th and card spending of 30,000.00 on the 20th every month; from `leakFrom` on, `leak` of the
 * balance (or `leakAmount`, which a raise of the salary pays for) to an investment platform on the 15th and 25th (or `leakDays`).
 */
function customer(options: { leakFrom?: string; leak?: number; leakAmount?: number; leakDays?: readonly string[]; usual?: number; scale?: number; oneOff?: [day: string, share: number] } = {}) {
  const scale = options.scale ?? 1;
  const store = new MemoryStore([profile()]);
  const ledger = new Ledger('c-1', { 'a-1': czk(100_000) * scale });
  const posts: Array<[number, () => ReturnType<Ledger['debit']>]> = [];
  const at = (day: string, post: (time: number) => ReturnType<Ledger['debit']>) => posts.push([pragueWinter(day), () => post(pragueWinter(day))]);
  at('2023-06-01', (time) => ledger.credit(czk(1_000) * scale, time, { counterpartyKind: 'NONE' }));
  for (const month of MONTHS) {
    if ((options.usual ?? 0) > 0) at(`${month}-05`, (time) => ledger.debit(czk(options.usual!) * scale, time, { counterpartyKind: 'OTHER_BANK' }));
    const leaking = options.leakFrom !== undefined && month >= options.leakFrom;
    const raise = leaking ? 2 * (options.leakAmount ?? 0) : 0;
    at(`${month}-10`, (time) => ledger.credit(czk(30_000 + (options.usual ?? 0) + raise) * scale, time, { category: 'SALARY', counterpartyKind: 'OTHER_BANK' }));
    at(`${month}-20`, (time) => ledger.debit(czk(30_000) * scale, time, { category: 'CARD', channel: 'CARD' }));
    if (leaking) {
      const amount = () => (options.leakAmount === undefined ? Math.round(ledger.balance() * (options.leak ?? 0.12)) : czk(options.leakAmount) * scale);
      for (const day of options.leakDays ?? ['15', '25']) at(`${month}-${day}`, (time) => ledger.debit(amount(), time, { counterpartyKind: 'INVESTMENT_PLATFORM' }));
    }
  }
  const oneOff = options.oneOff;
  if (oneOff !== undefined) at(oneOff[0], (time) => ledger.debit(Math.round(ledger.balance() * oneOff[1]), time, { counterpartyKind: 'OTHER_BANK' }));
  store.feed(posts.sort(([left], [right]) => left - right).map(([, post]) => post()));
  return store.state();
}

const asOf = (state: CustomerState) => measureChurn(state, new CustomerFeatures(state, dayNo('2024-03-25'), calendar), calendar);

describe('the month memory: what the months before the retained 90 days were like', () => {
  it('remembers the last six complete 30-day blocks, each measured from its own days', () => {
    const state = customer({ usual: 2_000 });
    const months = rememberedMonths(state);
    expect(months).toHaveLength(REMEMBERED_MONTHS);
    // consecutive blocks of the fixed grid, the newest complete by the latest close
    for (const [index, month] of months.entries()) {
      expect((month.endDay + 1) % MONTH_DAYS).toBe(0);
      if (index > 0) expect(month.endDay - months[index - 1]!.endDay).toBe(MONTH_DAYS);
    }
    expect(months.at(-1)!.endDay).toBeGreaterThan(dayNo('2024-03-20') - MONTH_DAYS);
    // one standing transfer of 2,000.00 a month: each block holds one (a block may hold the 5th of two months, or none)
    for (const month of months) expect([0, czk(2_000), czk(4_000)]).toContain(month.toCompetitors);
    expect(months.reduce((sum, month) => sum + month.toCompetitors, 0)).toBe(czk(2_000) * REMEMBERED_MONTHS);
    // the balance moves between ~100,000 and ~130,000 with the salary and the card: every average lies inside
    for (const month of months) {
      expect(month.averageBalance).toBeGreaterThan(czk(80_000));
      expect(month.averageBalance).toBeLessThan(czk(131_000));
    }
  });

  it('does not measure a block from before the customer was first seen', () => {
    const state = customer();
    const first = calendar.dayOf(state.firstSeenAt);
    for (const month of rememberedMonths(state)) expect(month.endDay - (MONTH_DAYS - 1)).toBeGreaterThanOrEqual(first);
  });

  it('survives the store: encoded and decoded unchanged, and absent for a state that never had it', () => {
    const state = customer({ leakFrom: '2023-12' });
    expect(state.months).toBeDefined();
    expect(decodeState(encodeState(state)).months).toEqual(state.months);
    const without = { ...state };
    delete without.months;
    expect('months' in decodeState(encodeState(without))).toBe(false);
  });
});

describe('competitor months above before: a leak the salary refills is new against the months before it', () => {
  it('counts the months in a row of a leak that began four months ago, when no 30-day feature sees it any more', () => {
    const state = customer({ leakFrom: '2023-12', usual: 1_000 });
    const { vector, measured } = asOf(state);
    expect(vector.competitorMonthsAboveBefore).toBeGreaterThanOrEqual(3);
    expect(measured.competitorRun!.perMonth).toBeGreaterThan(2 * measured.competitorRun!.perMonthBefore);
    // inside the 90 days the leak is the usual by now: the 30-day comparison sees nothing unusual
    expect(vector.competitorOutflowVsUsual).toBeLessThan(1.5);
    // the RM reads the run with the customer's own amounts
    const signal = assessChurn(state, new CustomerFeatures(state, dayNo('2024-03-25'), calendar), rules, calendar).signals.find((one) => one.name === 'competitorMonthsAboveBefore');
    const run = measured.competitorRun!;
    expect(signal?.reason).toBe(
      `${formatMoney(run.perMonth, 'CZK')} a month for ${run.months} months in a row to other banks and investment platforms; ${formatMoney(run.perMonthBefore, 'CZK')} a month before`,
    );
  });

  it('is the same share of the months for a customer with a tenth or ten times the money', () => {
    const feature = asOf(customer({ leakFrom: '2023-12', usual: 1_000 })).vector.competitorMonthsAboveBefore;
    expect(asOf(customer({ leakFrom: '2023-12', usual: 1_000, scale: 10 })).vector.competitorMonthsAboveBefore).toBe(feature);
    expect(asOf(customer({ leakFrom: '2023-12', usual: 1_000, scale: 0.1 })).vector.competitorMonthsAboveBefore).toBe(feature);
  });

  it('sees nothing in transfers the customer always made, however large', () => {
    // a standing order of 12,000.00 a month to their other bank since June: their normal
    expect(asOf(customer({ usual: 12_000 })).vector.competitorMonthsAboveBefore).toBe(0);
    // small new transfers, 1% of the balance twice a month, to a customer who sent nothing before: under 5% a month
    expect(asOf(customer({ leakFrom: '2023-12', leak: 0.01 })).vector.competitorMonthsAboveBefore).toBe(0);
    expect(asOf(customer({ leakFrom: '2023-12', leak: 0.04 })).vector.competitorMonthsAboveBefore).toBeGreaterThanOrEqual(3);
    // a customer who sends twice as much to their other bank as before, all of it paid by a raise: the balance does
    // not fall, nothing is moving away (the rise alone, without the raise, is a run: 'counts the months...' above)
    expect(asOf(customer({ usual: 10_000, leakFrom: '2023-12', leakAmount: 30_000 })).vector.competitorMonthsAboveBefore).toBe(0);
    // the leak since the first month: no month before it to compare with, never above its own rate
    expect(asOf(customer({ leakFrom: '2023-06' })).vector.competitorMonthsAboveBefore).toBe(0);
  });

  it('counts a one-off payment as one month at most, and nothing once a month without it follows', () => {
    // a house down payment in February, the month before last: the month after it is back to usual
    expect(asOf(customer({ usual: 1_000, oneOff: ['2024-02-03', 0.6] })).vector.competitorMonthsAboveBefore).toBe(0);
    // in the latest complete month: one month
    expect(asOf(customer({ usual: 1_000, oneOff: ['2024-03-03', 0.6] })).vector.competitorMonthsAboveBefore).toBeLessThanOrEqual(1);
  });

  it('is null with fewer than two months remembered, and a gap breaks the run', () => {
    const state = customer({ leakFrom: '2023-12' });
    expect(competitorRun({ ...state, months: state.months!.slice(0, 3) })).toBeNull();
    // the months before the gap are not the run's "before"
    const months = rememberedMonths(state);
    const gapped = months.flatMap((month, index) => [index < 2 ? month.endDay - MONTH_DAYS : month.endDay, month.averageBalance, month.toCompetitors]);
    const run = competitorRun({ ...state, months: gapped });
    expect(run).not.toBeNull();
    expect(run!.months).toBeLessThan(competitorRun(state)!.months);
  });
});

describe('competitor outflow against the largest month before: a new rate, not a busy month of the usual range', () => {
  const vsLargest = (state: CustomerState) => asOf(state).vector.competitorOutflowVsLargestMonth;

  it('sees a leak that began this month far beyond any month before it, and tells the RM with the customer\'s amounts', () => {
    const state = customer({ leakFrom: '2024-03', usual: 1_000 });
    const { vector, measured } = asOf(state);
    // the last 30 days hold the usual 1,000.00 and two leak transfers; the larger day is left out, the other counts,
    // against a range of 1,000.00 a month taken as 4% of the balance (what counts as a transfer)
    expect(vector.competitorOutflowVsLargestMonth).toBeGreaterThanOrEqual(2);
    // a leak of this month: the last 30 days give more than the last 60, half of which held none of it
    const { days, perMonth, before } = measured.competitorBeyondRange;
    expect(days).toBe(30);
    expect(before.largest).toBeLessThanOrEqual(czk(2_000));
    expect(perMonth).toBeGreaterThan(czk(6_000));
    const signal = assessChurn(state, new CustomerFeatures(state, dayNo('2024-03-25'), calendar), rules, calendar).signals.find((one) => one.name === 'competitorOutflowVsLargestMonth');
    expect(signal?.reason).toBe(
      `${formatMoney(perMonth, 'CZK')} to other banks and investment platforms in 30 days beyond the largest day; at most ${formatMoney(before.largest, 'CZK')} in one of the ${before.months} remembered months before`,
    );
    expect(signal?.evidence).toEqual([{ metric: 'competitor_outflow_beyond_largest_day_30d', unit: 'MINOR_UNITS', value: perMonth, threshold: null, baseline: before.largest }]);
  });

  it('is the same for a customer with a tenth or ten times the money', () => {
    const feature = vsLargest(customer({ leakFrom: '2024-03', usual: 1_000 }))!;
    expect(vsLargest(customer({ leakFrom: '2024-03', usual: 1_000, scale: 10 }))).toBeCloseTo(feature, 3);
    expect(vsLargest(customer({ leakFrom: '2024-03', usual: 1_000, scale: 0.1 }))).toBeCloseTo(feature, 3);
  });

  it('puts transfers the customer always made, and one large payment, within their range (under 1)', () => {
    // two transfers a month since the first month: the last 30 days hold one beyond the largest, each month before two
    expect(vsLargest(customer({ leakFrom: '2023-06', usual: 1_000 }))).toBeLessThan(1);
    // a house down payment of 60% of the balance this month: the largest day, left out; the rest is the usual 1,000.00
    expect(vsLargest(customer({ usual: 1_000, oneOff: ['2024-03-03', 0.6] }))).toBeLessThanOrEqual(1);
  });

  it('says nothing (null) when nothing went beyond the largest day, and puts a standing order within the range', () => {
    expect(vsLargest(customer())).toBeNull();
    // neither window has a reading: the 30 days' one is kept, as before the 60-day reading
    expect(asOf(customer()).measured.competitorBeyondRange.days).toBe(30);
    // a standing order of 12,000.00 a month: in 30 days one day, left out as the largest; over 60 days the other
    // order, 6,000.00 per 30 days, against months that each held one or two of them
    const { vector, measured } = asOf(customer({ usual: 12_000 }));
    expect(measured.competitorBeyondRange).toMatchObject({ days: 60, perMonth: czk(6_000) });
    expect(vector.competitorOutflowVsLargestMonth).toBeLessThanOrEqual(0.5);
  });

  it('sees a leak in monthly chunks over two months, where each 30 days alone leaves the chunk out as the largest day', () => {
    // beside the usual 1,000.00 on the 5th, 30% of the balance to an investment platform on the 15th of each month
    const leak = (from: string, scale = 1) => customer({ usual: 1_000, leakFrom: from, leak: 0.3, leakDays: ['15'], scale });
    // one chunk (in March): the largest day of both windows, left out; what remains is within the customer's range
    expect(vsLargest(leak('2024-03'))).toBeLessThan(1);
    // two chunks, a month apart: the 30 days hold one, left out; over 60 days the February chunk shows
    const state = leak('2024-02');
    const { vector, measured } = asOf(state);
    expect(measured.competitorBeyondRange.days).toBe(60);
    expect(vector.competitorOutflowVsLargestMonth).toBeGreaterThanOrEqual(3);
    expect(vsLargest(leak('2024-02', 10))).toBeCloseTo(vector.competitorOutflowVsLargestMonth!, 3);
    const signal = assessChurn(state, new CustomerFeatures(state, dayNo('2024-03-25'), calendar), rules, calendar).signals.find((one) => one.name === 'competitorOutflowVsLargestMonth');
    const { perMonth, before } = measured.competitorBeyondRange;
    expect(signal?.reason).toBe(
      `${formatMoney(perMonth, 'CZK')} to other banks and investment platforms a month over 60 days beyond the largest day; at most ${formatMoney(before.largest, 'CZK')} in one of the ${before.months} remembered months before`,
    );
    expect(signal?.evidence).toEqual([{ metric: 'competitor_outflow_beyond_largest_day_60d_per_30d', unit: 'MINOR_UNITS', value: perMonth, threshold: null, baseline: before.largest }]);
  });

  it('is null with fewer than two remembered months before the last 30 days, and measured from two', () => {
    const state = customer({ leakFrom: '2024-03', usual: 1_000 });
    const beforeWindow = (months: readonly number[]) => months.filter((_, index) => index % 3 === 0).filter((end) => end < dayNo('2024-03-25') - 29).length;
    const keepingLast = (blocks: number) => ({ ...state, months: state.months!.slice(-3 * blocks) });
    const blocksFor = (wanted: number) => [1, 2, 3, 4, 5, 6].find((blocks) => beforeWindow(keepingLast(blocks).months) === wanted)!;
    expect(vsLargest(keepingLast(blocksFor(1)))).toBeNull();
    expect(vsLargest(keepingLast(blocksFor(2)))).toBeGreaterThanOrEqual(2);
  });

  it('takes into the 30 days\' range a month that ended the day before them', () => {
    const day = dayNo('2024-03-25');
    const state = customer({ leakFrom: '2024-03', usual: 1_000 });
    const months = rememberedMonths(state);
    // the latest block wholly before the last 30 days, and the close 30 days after it ended: the block ends the day before the window
    const edge = months.filter((month) => month.endDay < day - 29).at(-1)!;
    // only that block and the one before it remembered: one month before any 60 days, so the 30 days' reading is the one read
    const busy = { ...state, months: [edge.endDay - MONTH_DAYS, czk(100_000), czk(1_000), edge.endDay, czk(100_000), czk(1_000_000)] };
    const at = (close: number) => measureChurn(busy, new CustomerFeatures(busy, close, calendar), calendar).measured.competitorBeyondRange;
    expect(at(edge.endDay + 30)).toMatchObject({ days: 30, before: { months: 2, largest: czk(1_000_000) } });
    expect(at(edge.endDay + 29)).toMatchObject({ days: 30, before: { months: 1, largest: czk(1_000) } });
  });

  it('takes into the 60 days\' range a month that ended the day before them', () => {
    const day = dayNo('2024-03-25');
    // a third of the balance on 15 February and on 15 March, nothing else to competitors: the 30 days hold one day only
    const state = customer({ leakFrom: '2024-02', leak: 0.33, leakDays: ['15'] });
    const memory = (lastEnd: number) => [lastEnd - MONTH_DAYS, czk(100_000), czk(1_000), lastEnd, czk(100_000), czk(2_000)];
    const at = (lastEnd: number) => measureChurn({ ...state, months: memory(lastEnd) }, new CustomerFeatures(state, day, calendar), calendar);
    // both months ended before the 60 days: the February chunk read against the larger of them
    const inside = at(day - 60);
    expect(inside.measured.competitorBeyondRange).toMatchObject({ days: 60, before: { months: 2, largest: czk(2_000) } });
    expect(inside.vector.competitorOutflowVsLargestMonth).toBeGreaterThanOrEqual(3);
    // the later one ends on the 60 days' first day: one month before them, no range, and the 30 days hold nothing beyond their one day
    const outside = at(day - 59);
    expect(outside.measured.competitorBeyondRange).toMatchObject({ days: 30, perMonth: 0 });
    expect(outside.vector.competitorOutflowVsLargestMonth).toBeNull();
  });

  it('counts only the months that ended before the day, and takes the most sent in one of them', () => {
    const state = customer();
    state.months = [czk(1_000), czk(5_000), czk(3_000)].flatMap((amount, index) => [19_649 + index * MONTH_DAYS, czk(100_000), amount]);
    expect(competitorMonthsBefore(state, 19_649 + 2 * MONTH_DAYS)).toEqual({ months: 2, largest: czk(5_000) });
    expect(competitorMonthsBefore(state, 19_649 + 2 * MONTH_DAYS + 1)).toEqual({ months: 3, largest: czk(5_000) });
    expect(competitorMonthsBefore(state, 19_649)).toEqual({ months: 0, largest: 0 });
  });
});

describe('the month memory, block by block', () => {
  /** A state remembering these months (consecutive blocks ending on day 19649 + 30i unless given). */
  const remembering = (months: ReadonlyArray<Partial<RememberedMonth> & Pick<RememberedMonth, 'toCompetitors'>>): CustomerState => {
    const state = customer();
    state.months = months.flatMap((month, index) => [month.endDay ?? 19_649 + index * MONTH_DAYS, month.averageBalance ?? czk(100_000), month.toCompetitors]);
    return state;
  };

  it('measures the run exactly: its months, what went out a month in it and before it', () => {
    const balance = czk(20_000);
    const run = competitorRun(remembering([1_000, 3_000, 6_000, 9_000].map((amount) => ({ toCompetitors: czk(amount), averageBalance: balance }))));
    // each of the last three at least twice 1,000 and 5% of 20,000: a run of three, 6,000 a month against 1,000
    expect(run).toEqual({ months: 3, perMonth: czk(6_000), perMonthBefore: czk(1_000) });
    // against 100,000, 5% is 5,000: 3,000 is under it, and the run is the last two against their mean before (2,000)
    expect(competitorRun(remembering([1_000, 3_000, 6_000, 9_000].map((amount) => ({ toCompetitors: czk(amount) }))))).toEqual({ months: 2, perMonth: czk(7_500), perMonthBefore: czk(2_000) });
  });

  it('counts a month exactly at twice the rate before, and not a customer whose rate before is exactly a quarter of the balance', () => {
    expect(competitorRun(remembering([{ toCompetitors: czk(5_000) }, { toCompetitors: czk(10_000) }]))!.months).toBe(1);
    expect(competitorRun(remembering([{ toCompetitors: czk(5_000) }, { toCompetitors: czk(9_999) }]))!.months).toBe(0);
    // 25,000 a month of 100,000 is a quarter: still a leak to watch; above it, money runs through the account
    expect(competitorRun(remembering([{ toCompetitors: czk(25_000) }, { toCompetitors: czk(60_000) }]))!.months).toBe(1);
    expect(competitorRun(remembering([{ toCompetitors: czk(25_001) }, { toCompetitors: czk(60_000) }]))!.months).toBe(0);
  });

  it('is no run while the balance grew through it: the last month held more than the months before the run', () => {
    const months = (lastHeld: number) => [1_000, 1_000, 6_000, 6_000].map((amount, index) => ({ toCompetitors: czk(amount), averageBalance: index === 3 ? lastHeld : czk(100_000) }));
    // held as before, or less: the money sent is not made up, a run of two
    expect(competitorRun(remembering(months(czk(100_000))))).toEqual({ months: 2, perMonth: czk(6_000), perMonthBefore: czk(1_000) });
    expect(competitorRun(remembering(months(czk(60_000))))!.months).toBe(2);
    // a haléř more than before the run: made up, no run (the last month is compared with the months before each start)
    expect(competitorRun(remembering(months(czk(100_000) + 1)))!.months).toBe(0);
  });

  it('needs a balance before the run: nothing held and nothing sent is no rate to be above', () => {
    expect(competitorRun(remembering([{ toCompetitors: 0, averageBalance: 0 }, { toCompetitors: czk(1_000), averageBalance: 0 }]))!.months).toBe(0);
    expect(competitorRun(remembering([{ toCompetitors: 0 }, { toCompetitors: czk(5_000) }]))!.months).toBe(1);
  });

  it('records a block at the close of its own last day, only blocks whose days are all retained, and forgets all when none is left', () => {
    const state = customer();
    delete state.months;
    // block 656 ends on day 19,709 (18 Dec 2023): the close of that day records it, and the blocks before it whose
    // first day is within the 90 days (653 starts on 19,590, 120 days before: not; 654 on 19,620: 90 days, the first)
    rememberMonths(state, new CustomerFeatures(state, 19_709, calendar), ['OTHER_BANK', 'INVESTMENT_PLATFORM']);
    expect(rememberedMonths(state).map((month) => month.endDay)).toEqual([19_649, 19_679, 19_709]);
    // a day later the oldest of them starts 90 days back, one day before the retained days: not measured afresh
    const later = customer();
    delete later.months;
    rememberMonths(later, new CustomerFeatures(later, 19_710, calendar), ['OTHER_BANK', 'INVESTMENT_PLATFORM']);
    expect(rememberedMonths(later).map((month) => month.endDay)).toEqual([19_679, 19_709]);
    // the next block is not complete before its last day
    rememberMonths(state, new CustomerFeatures(state, 19_708 + MONTH_DAYS, calendar), ['OTHER_BANK', 'INVESTMENT_PLATFORM']);
    expect(rememberedMonths(state).map((month) => month.endDay)).toEqual([19_649, 19_679, 19_709]);
    // seven months later the three are older than the six kept; the three blocks still retained are measured
    rememberMonths(state, new CustomerFeatures(state, 19_709 + 7 * MONTH_DAYS, calendar), ['OTHER_BANK', 'INVESTMENT_PLATFORM']);
    expect(rememberedMonths(state).map((month) => month.endDay)).toEqual([19_709 + 5 * MONTH_DAYS, 19_709 + 6 * MONTH_DAYS, 19_709 + 7 * MONTH_DAYS]);
    // a customer seen for less than a block, remembering only an old block: nothing left to keep
    const young = { ...customer(), firstSeenAt: calendar.startOf(19_700), months: [19_500, czk(1_000), 0] };
    rememberMonths(young, new CustomerFeatures(young, 19_709, calendar), ['OTHER_BANK', 'INVESTMENT_PLATFORM']);
    expect('months' in young).toBe(false);
  });

  it('keeps nothing through a new customer\'s first weeks and records their first whole block at the close of its last day', () => {
    const kinds = ['OTHER_BANK', 'INVESTMENT_PLATFORM'] as const;
    // first seen on day 19,705: block 657 (19,710..19,739) is the first whose days are all the customer's
    const young = { ...customer(), firstSeenAt: calendar.startOf(19_705) };
    delete young.months;
    for (let day = 19_705; day < 19_739; day += 1) {
      rememberMonths(young, new CustomerFeatures(young, day, calendar), kinds);
      expect('months' in young).toBe(false);
    }
    rememberMonths(young, new CustomerFeatures(young, 19_739, calendar), kinds);
    expect(rememberedMonths(young).map((month) => month.endDay)).toEqual([19_739]);
    // the closes inside the next block change nothing: the same months, not copied again
    const remembered = young.months;
    for (let day = 19_740; day < 19_769; day += 1) rememberMonths(young, new CustomerFeatures(young, day, calendar), kinds);
    expect(young.months).toBe(remembered);
    rememberMonths(young, new CustomerFeatures(young, 19_769, calendar), kinds);
    expect(rememberedMonths(young).map((month) => month.endDay)).toEqual([19_739, 19_769]);
  });
});

describe('largestMonthOfShare: a remembered month that moved as large a share before', () => {
  /** A state remembering [last day, average balance, to competitors] per month. */
  const remembering = (...months: Array<[number, number, number]>): CustomerState => ({ ...customer(), months: months.flat() });

  it('answers the largest amount of the months ended before the day that sent at least the share of what was held', () => {
    // held: the average plus what left. 60 of 40 + 60 is 60%; 30 of 70 + 30 is 30%; 90 of 10 + 90 is 90%
    const state = remembering([19_649, czk(40), czk(60)], [19_679, czk(70), czk(30)], [19_709, czk(10), czk(90)]);
    expect(largestMonthOfShare(state, 19_710, 0.5)).toBe(czk(90));
    // the last month ends on the day asked about: not before it
    expect(largestMonthOfShare(state, 19_709, 0.5)).toBe(czk(60));
    // exactly the share counts; a hair more does not
    expect(largestMonthOfShare(state, 19_709, 0.6)).toBe(czk(60));
    expect(largestMonthOfShare(state, 19_709, 0.6001)).toBe(0);
    // share 0: the largest month before the day, whatever its share
    expect(largestMonthOfShare(state, 19_710, 0)).toBe(czk(90));
    expect(largestMonthOfShare(remembering(), 19_710, 0)).toBe(0);
  });
});

describe('competitorRun after a month never measured', () => {
  const state = (...months: Array<[number, number]>): CustomerState => ({ ...customer(), months: months.flatMap(([endDay, sent]) => [endDay, czk(100_000), czk(sent)]) });

  it('counts only the months from the last gap on: the months before it are neither the run nor its "before"', () => {
    // 19,679 was never measured: the 50,000 of the month before the gap is not the customer's earlier rate
    const afterGap = state([19_649, 50_000], [19_709, 1_000], [19_739, 1_000], [19_769, 6_000], [19_799, 6_000]);
    expect(competitorRun(afterGap)).toEqual({ months: 2, perMonth: czk(6_000), perMonthBefore: czk(1_000) });
    // one month after the gap: nothing before it to compare with
    expect(competitorRun(state([19_649, 50_000], [19_709, 6_000]))).toBeNull();
  });
});
