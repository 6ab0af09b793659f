import { readLines } from '../src/replay/inputs/lines.ts';
import { jsonlTransactions } from '../src/replay/inputs/jsonl.ts';

export interface ReadRate {
  events: number;
  ms: number;
  eventsPerSecond: number;
}

const rateOf = (events: number, ms: number): ReadRate => ({ events, ms, eventsPerSecond: ms > 0 ? (events / ms) * 1000 : 0 });

/** The baseline: reading the file and JSON.parse of every line, nothing else (the floor of any replay). */
export async function readAndParse(path: string): Promise<ReadRate> {
  const startedAt = performance.now();
  let events = 0;
  for await (const { lines } of readLines(path)) {
    for (const line of lines) {
      if (line.trim().length === 0) continue;
      JSON.parse(line);
      events += 1;
    }
  }
  return rateOf(events, performance.now() - startedAt);
}

/** The replay's own reader alone (read, split, JSON.parse, the shape check; zod only for a record that fails it): what the replay cannot go below either. */
export async function readerAlone(path: string): Promise<ReadRate> {
  const startedAt = performance.now();
  let events = 0;
  for await (const items of jsonlTransactions(path)) events += items.length;
  return rateOf(events, performance.now() - startedAt);
}
