import { describe, expect, it } from 'vitest';
import { DeferredSettles } from '../../src/service/deferred-settles.ts';
import type { OwnedWrite } from '../../src/service/owned-partitions.ts';
import { customerState } from '../support/state-store-contract.ts';

const settle = (customerId: string, partition: number): OwnedWrite => ({ customerId, expectedRev: 1, state: customerState(customerId, { rev: 2, partition }), partition, profile: undefined });

describe('deferred settles', () => {
  it('hand each partition’s settles over once, to whoever takes that partition', () => {
    const settles = new DeferredSettles();
    settles.add(0, [settle('c-1', 0)]);
    settles.add(1, [settle('c-2', 1)]);
    settles.add(0, [settle('c-3', 0)]);
    expect(settles.take([0, 2]).map((write) => write.customerId)).toEqual(['c-1', 'c-3']);
    expect(settles.take([0])).toEqual([]);
    expect(settles.take([1]).map((write) => write.customerId)).toEqual(['c-2']);
  });

  it('forget the partitions a rebalance took away', () => {
    const settles = new DeferredSettles();
    settles.add(0, [settle('c-1', 0)]);
    settles.add(1, [settle('c-2', 1)]);
    settles.retainOnly(new Set([1]));
    expect(settles.take([0, 1]).map((write) => write.customerId)).toEqual(['c-2']);
  });
});
