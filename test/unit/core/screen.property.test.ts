import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectInflow } from '../../../src/core/detectors/inflow.ts';
import type { Measures } from '../../../src/core/detectors/measures.ts';
import { detectOutflow } from '../../../src/core/detectors/outflow.ts';
import { mayRaiseFinding } from '../../../src/core/detectors/screen.ts';
import { categories, counterpartyKinds } from '../../../src/domain/transaction.ts';
import type { Transaction } from '../../../src/domain/transaction.ts';
import { rules } from '../../support/core-fixtures.ts';

const money = fc.integer({ min: 0, max: 5_000_000_00 });
const measures = fc.record<Measures>({
  totalBalance: fc.integer({ min: -100_000_00, max: 5_000_000_00 }),
  averageDailyBalance30: fc.integer({ min: -100_000_00, max: 5_000_000_00 }),
  cumulativeOutflow: money,
  usualCumulativeOutflow: money,
  cumulativeInflow: money,
  usualCumulativeInflow: money,
  competitorOutflow90: money,
  competitorOutflowRecent: money,
  customerTransactions30: fc.integer({ min: 0, max: 500 }),
});
const transaction = fc.record<Transaction>({
  transactionId: fc.constant('t-1'),
  accountId: fc.constant('a-1'),
  customerId: fc.constant('c-1'),
  amountMinor: fc.oneof(fc.integer({ min: 0, max: 50_000_00 }), money),
  currency: fc.constant('CZK'),
  direction: fc.constantFrom('DEBIT', 'CREDIT'),
  balanceAfterMinor: fc.integer({ min: -100_000_00, max: 5_000_000_00 }),
  eventTime: fc.constant(Date.UTC(2024, 0, 10, 9)),
  channel: fc.constant('ONLINE'),
  category: fc.constantFrom(...categories),
  counterpartyKind: fc.constantFrom(...counterpartyKinds),
  counterpartyBankCode: fc.constant(null),
  initiatedBy: fc.constantFrom('CUSTOMER', 'SYSTEM'),
});
const tier = fc.constantFrom(null, 'SILVER', 'GOLD', 'PLATINUM', 'BLACK_GOLD', 'UNKNOWN_TIER');

// real work (property tests over many generated histories): sized for a loaded 2-core CI machine, not vitest's 5 s
describe('screening transactions before measuring them', { timeout: 120_000 }, () => {
  it('never screens out a transaction on which a detector would fire, whatever the measures', () => {
    fc.assert(
      fc.property(transaction, measures, measures, tier, (candidate, before, after, customerTier) => {
        const context = { rules, tier: customerTier };
        const findings = [...detectOutflow(candidate, before, after, context), ...detectInflow(candidate, before, after, context)];
        if (findings.length > 0) expect(mayRaiseFinding(candidate, context)).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it('screens out the everyday card payment and the salary', () => {
    const base = fc.sample(transaction, 1)[0]!;
    const context = { rules, tier: 'GOLD' };
    expect(mayRaiseFinding({ ...base, direction: 'DEBIT', amountMinor: 350_00, counterpartyKind: 'NONE', category: 'CARD' }, context)).toBe(false);
    expect(mayRaiseFinding({ ...base, direction: 'CREDIT', amountMinor: 80_000_00, counterpartyKind: 'OTHER_BANK', category: 'SALARY' }, context)).toBe(false);
    expect(mayRaiseFinding({ ...base, direction: 'DEBIT', amountMinor: 350_00, counterpartyKind: 'OTHER_BANK', category: 'TRANSFER' }, context)).toBe(true);
  });
});
