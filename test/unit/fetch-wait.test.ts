import { describe, expect, it } from 'vitest';
import { fetchWait } from '../../src/service/fetch-wait.ts';

describe('fetch wait (TIDEWATCH_WRITE_COALESCE_MS)', () => {
  it('without coalescing, lets the broker answer as soon as it holds a record', () => {
    expect(fetchWait(0)).toEqual({ minBytes: 1, maxWaitTimeInMs: 500, maxBytesPerPartition: 256 * 1024 });
  });

  it('with an interval, waits for a full partition fetch or the interval, whichever comes first', () => {
    expect(fetchWait(50)).toEqual({ minBytes: 256 * 1024, maxWaitTimeInMs: 50, maxBytesPerPartition: 256 * 1024 });
  });
});
