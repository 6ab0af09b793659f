/** A fetch's memory bound: 256 KiB per partition, about 2,000 records. */
const FETCH_BYTES_PER_PARTITION = 256 * 1024;

/**
 * How a fetch waits (the unit of work is one fetch, so one state write per customer per fetch). Without coalescing
 * the broker answers as soon as it holds any record (and an idle fetch returns every 500 ms); with it, only once it
 * holds a partition's full fetch or `coalesceMs` has passed, so records of one customer arriving within the interval
 * share one write.
 */
export function fetchWait(coalesceMs: number): { minBytes: number; maxWaitTimeInMs: number; maxBytesPerPartition: number } {
  if (coalesceMs === 0) return { minBytes: 1, maxWaitTimeInMs: 500, maxBytesPerPartition: FETCH_BYTES_PER_PARTITION };
  return { minBytes: FETCH_BYTES_PER_PARTITION, maxWaitTimeInMs: coalesceMs, maxBytesPerPartition: FETCH_BYTES_PER_PARTITION };
}
