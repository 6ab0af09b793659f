import { describe, expect, it } from 'vitest';
import { Pacer } from '../../../src/generate/pacer.ts';

describe('Pacer', () => {
  it('sends about 50 ms worth per batch, 1000 records when unpaced', () => {
    expect(new Pacer(2000).batchSize).toBe(100);
    expect(new Pacer(5).batchSize).toBe(1);
    expect(new Pacer(1_000_000).batchSize).toBe(500);
    expect(new Pacer(null).batchSize).toBe(1000);
  });

  it('holds batches back to the rate', async () => {
    const pacer = new Pacer(1000);
    const startedAt = performance.now();
    for (let batch = 0; batch < 6; batch += 1) await pacer.beforeSending(50);
    // five batches of 50 went before the sixth: 250 records at 1000/s is 250 ms
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(240);
  });

  it('does not burst to catch up after a stall', async () => {
    let now = 0;
    const pacer = new Pacer(100, () => now);
    await pacer.beforeSending(10); // due at 0
    now = 10_000; // stalled for 10 s: 1000 records behind
    await pacer.beforeSending(10); // restarts the schedule from now
    now = 10_001;
    const startedAt = performance.now();
    await pacer.beforeSending(10); // due at 10_100 on the fake clock: waits ~99 ms
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(90);
  });
});
