import { describe, expect, it } from 'vitest';
import { flowCode, flowCodes, isMonthlyRepeat, netFlowOf, sumOver } from '../../../../src/core/flows.ts';
import { counterpartyKinds } from '../../../../src/domain/transaction.ts';
import { czk } from '../../../support/core-fixtures.ts';

describe('regular income in the flow buckets', () => {
  it.each(counterpartyKinds)('a salary from %s is money in for the net flow', (kind) => {
    expect(netFlowOf([10, flowCode('CREDIT', kind, 'SALARY'), 500])).toBe(500);
  });

  it("money in from a kind of counterparty includes the salary it paid, not only the kind's other credits", () => {
    const days = [[10, flowCode('CREDIT', 'OTHER_BANK', 'SALARY'), 30_000, flowCode('CREDIT', 'OTHER_BANK'), 1_000]];
    expect(sumOver(days, 0, 100, flowCodes('CREDIT', ['OTHER_BANK']))).toBe(31_000);
  });
});

describe('a monthly repeat within 15% of the new amount', () => {
  it('counts a month before that was exactly 15% less or more', () => {
    const code = flowCode('CREDIT', 'OTHER_BANK');
    expect(isMonthlyRepeat([[100, code, czk(17_000)]], 130, code, czk(20_000))).toBe(true);
    expect(isMonthlyRepeat([[100, code, czk(23_000)]], 130, code, czk(20_000))).toBe(true);
  });
});
