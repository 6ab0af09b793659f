import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/core/calendar.ts';
import { newCustomerState } from '../../../src/core/features.ts';
import { MemoryStateStore } from '../../../src/state/memory-store.ts';
import { applyOutcomes } from '../../../src/replay/outcomes.ts';
import { rules } from '../../support/core-fixtures.ts';

describe('outcomes in a replay', () => {
  it('go through the core: "not interested" suppresses that kind for the customer, other outcomes change nothing', async () => {
    const store = new MemoryStateStore({ copies: false });
    const recordedAt = Date.UTC(2024, 2, 1, 10);
    await store.commit([{ customerId: 'c-1', expectedRev: 0, state: { ...newCustomerState('c-1', 0, recordedAt - DAY_MS), rev: 1 } }], []);
    const hook = applyOutcomes(rules);
    await hook(
      [
        { alertId: 'a-1', customerId: 'c-1', kind: 'IDLE_FUNDS', outcome: 'NOT_INTERESTED', recordedAt },
        { alertId: 'a-2', customerId: 'c-1', kind: 'LARGE_OUTFLOW', outcome: 'CONTACTED', recordedAt },
        { alertId: 'a-3', customerId: 'c-unknown', kind: 'IDLE_FUNDS', outcome: 'NOT_INTERESTED', recordedAt },
      ],
      { streamTime: recordedAt, store },
    );
    const state = (await store.load(['c-1'])).get('c-1')?.state;
    expect(state?.suppressed).toEqual({ IDLE_FUNDS: recordedAt + rules.outcomes.notInterestedSuppressDays * DAY_MS });
    expect((await store.load(['c-unknown'])).get('c-unknown')?.state).toBeUndefined();
  });
});
