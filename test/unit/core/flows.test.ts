import { describe, expect, it } from 'vitest';
import { CUSTOMER_INITIATED_COUNT, addToDay, allInflowCodes, allOutflowCodes, dropDaysBefore, flowCode, netFlowOf, sumOver } from '../../../src/core/flows.ts';
import { counterpartyKinds } from '../../../src/domain/transaction.ts';

const IN_BANK = flowCode('CREDIT', 'OTHER_BANK');
const OUT_BANK = flowCode('DEBIT', 'OTHER_BANK');
const OUT_CASH = flowCode('DEBIT', 'CASH');

describe('daily flow buckets', () => {
  it('every (direction, kind) has its own code, regular income its own again, none of them the customer-initiated count', () => {
    const codes = [...allInflowCodes, ...allOutflowCodes];
    // inflow: ordinary and regular income (salary, pension) per kind; outflow: per kind
    expect(new Set(codes).size).toBe(3 * counterpartyKinds.length);
    expect(codes).not.toContain(CUSTOMER_INITIATED_COUNT);
    expect(flowCode('CREDIT', 'OTHER_BANK', 'SALARY')).toBe(flowCode('CREDIT', 'OTHER_BANK', 'PENSION'));
    expect(flowCode('CREDIT', 'OTHER_BANK', 'SALARY')).not.toBe(IN_BANK);
    expect(flowCode('DEBIT', 'OTHER_BANK', 'SALARY')).toBe(OUT_BANK);
  });

  it('counts regular income as money in for the net flow', () => {
    expect(netFlowOf([3, flowCode('CREDIT', 'OTHER_BANK', 'SALARY'), 500, OUT_CASH, 200, CUSTOMER_INITIATED_COUNT, 4])).toBe(300);
  });

  it('adds to a day, keeps days in order whatever order they arrive in, and sums per code', () => {
    const days: number[][] = [];
    addToDay(days, 10, IN_BANK, 500);
    addToDay(days, 14, OUT_BANK, 200);
    addToDay(days, 12, OUT_CASH, 30); // late: lands between
    addToDay(days, 10, IN_BANK, 100); // same day and code: added up
    addToDay(days, 8, OUT_CASH, 7); // older than all
    addToDay(days, 14, CUSTOMER_INITIATED_COUNT, 1);
    expect(days).toEqual([[8, OUT_CASH, 7], [10, IN_BANK, 600], [12, OUT_CASH, 30], [14, OUT_BANK, 200, CUSTOMER_INITIATED_COUNT, 1]]);
  });

  it.each([
    [8, 14, [OUT_BANK, OUT_CASH], 237],
    [9, 14, [OUT_BANK, OUT_CASH], 230], // bounds inclusive: day 8 left out
    [8, 13, [OUT_BANK, OUT_CASH], 37], // day 14 left out
    [10, 10, [IN_BANK], 600],
    [11, 11, [IN_BANK, OUT_BANK, OUT_CASH], 0], // a day without postings
    [0, 100, [CUSTOMER_INITIATED_COUNT], 1],
  ])('sumOver(days %i..%i, codes %j) = %i', (from, to, codes, expected) => {
    const days = [[8, OUT_CASH, 7], [10, IN_BANK, 600], [12, OUT_CASH, 30], [14, OUT_BANK, 200, CUSTOMER_INITIATED_COUNT, 1]];
    expect(sumOver(days, from, to, codes)).toBe(expected);
  });

  it('net flow is money in minus money out; the transaction count is not money', () => {
    expect(netFlowOf([14, IN_BANK, 600, OUT_BANK, 200, OUT_CASH, 30, CUSTOMER_INITIATED_COUNT, 5])).toBe(370);
    // own-account legs cancel out within the day
    expect(netFlowOf([14, flowCode('CREDIT', 'OWN_ACCOUNT'), 4000, flowCode('DEBIT', 'OWN_ACCOUNT'), 4000, CUSTOMER_INITIATED_COUNT, 2])).toBe(0);
  });

  it('drops days before the oldest kept, keeping that day', () => {
    const days = [[8], [10], [12], [14]];
    dropDaysBefore(days, 12);
    expect(days).toEqual([[12], [14]]);
    dropDaysBefore(days, 100);
    expect(days).toEqual([]);
  });
});
