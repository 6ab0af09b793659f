import { expect, it } from 'vitest';
import { generateDataSet, historyChunks } from '../../bench/dataset.ts';
import { LiveTraffic } from '../../bench/live-traffic.ts';
import { MemoryStore, recordsOf } from '../support/core-fixtures.ts';

/**
 * The live bench's latency is measured on designed transactions: each must raise an RM alert through the shipped
 * rules, or the bench times fewer alerts than it planned (and would time none if the rules moved away from them).
 */
it('every designed withdrawal of the live bench is an exit the shipped rules tell the RM about', { timeout: 240_000 }, () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const dataSet = generateDataSet({ seed: 7, customers: 300, transactions: 30_000, days: 120 }, now);
  const store = new MemoryStore(dataSet.profiles);
  // the history in batches (as the service consumes a backlog), then the live records one by one
  let offset = 0;
  for (const chunk of historyChunks(dataSet, 2_000)) {
    store.run(recordsOf(chunk, { firstOffset: offset }));
    offset += chunk.length;
  }
  const traffic = new LiveTraffic(dataSet, 0.05);
  const outcomes: string[] = [];
  for (let index = 0; outcomes.length < 40 && index < 4_000; index += 1) {
    const { transaction, designedAlert } = traffic.next(now + index * 10);
    const kinds = store.feed([transaction]).flat().filter((emission) => emission.feeds.includes('rm')).map((emission) => emission.alert.kind);
    if (designedAlert) outcomes.push(kinds.includes('LARGE_OUTFLOW') ? 'told' : `not told (${transaction.customerId})`);
  }
  expect(outcomes.length).toBeGreaterThanOrEqual(20);
  expect(outcomes.filter((outcome) => outcome !== 'told')).toEqual([]);
});
