import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/state/memory-store.ts';
import { customerState, stateStoreContract } from '../support/state-store-contract.ts';

describe('MemoryStateStore', () => {
  stateStoreContract(() => new MemoryStateStore());

  describe('without copies (a replay, its only caller)', () => {
    stateStoreContract(() => new MemoryStateStore({ copies: false }), { copies: false });

    it('keeps the revision it stored even when the caller bumps the loaded state before committing', async () => {
      const store = new MemoryStateStore({ copies: false });
      await store.commit([{ customerId: 'c-1', expectedRev: 0, state: customerState('c-1', { rev: 1 }) }], []);
      const loaded = (await store.load(['c-1'])).get('c-1')!;
      loaded.state!.rev = 2; // as the core does, in place
      expect((await store.load(['c-1'])).get('c-1')!.rev).toBe(1);
      expect(await store.commit([{ customerId: 'c-1', expectedRev: 1, state: loaded.state! }], [])).toEqual({ conflicts: [] });
    });
  });

  // a million timers: 21 s measured on the loaded 2-core machine
  it('lists the first due timers among a million without slowing down as timers move', async () => {
    const store = new MemoryStateStore();
    const count = 1_000_000;
    const timers = Array.from({ length: count }, (_, index) => ({ scope: 'p-0', customerId: `c-${index}`, due: (index * 7_919) % count }));
    await store.commit([], timers);
    // Move every timer once: superseded entries must not make listing (or moving) quadratic.
    await store.commit([], timers.map((timer) => ({ ...timer, due: timer.due + count })));
    const started = performance.now();
    for (let round = 0; round < 100; round += 1) {
      const due = await store.dueTimers('p-0', 2 * count, 500);
      expect(due).toHaveLength(500);
      expect(due[0]).toEqual({ customerId: 'c-0', due: count });
    }
    expect(performance.now() - started).toBeLessThan(2_000);
  }, 120_000);

  it('answers loads with copies, even of a state loaded twice in one call', async () => {
    const store = new MemoryStateStore();
    await store.commit([{ customerId: 'c-1', expectedRev: 0, state: customerState('c-1') }], []);
    const first = (await store.load(['c-1'])).get('c-1')?.state;
    const second = (await store.load(['c-1'])).get('c-1')?.state;
    expect(first).toEqual(second);
    expect(first).not.toBe(second);
  });
});
