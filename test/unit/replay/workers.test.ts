import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/domain/alert.ts';
import { businessCalendar } from '../../../src/core/calendar.ts';
import { loadRules } from '../../../src/core/rules.ts';
import { openInput } from '../../../src/replay/input.ts';
import { runParallelReplay } from '../../../src/replay/parallel/coordinator.ts';
import type { ReplayItem } from '../../../src/replay/records.ts';
import { runReplay, untilInstant } from '../../../src/replay/run.ts';
import type { ReplaySummary } from '../../../src/replay/summary.ts';
import { simulate } from '../../../src/backtest/simulation.ts';
import { CustomerOwnership } from '../../../src/replay/parallel/ownership.ts';
import { core } from '../../support/core-fixtures.ts';
import { generateFiles } from '../generate/files-fixture.ts';
import type { GeneratedFiles } from '../generate/files-fixture.ts';
import { smallBank } from '../generate/bank-fixture.ts';
import { quietOutput, replayRequest, shippedRules } from '../../support/replay-request.ts';

interface Outputs {
  alerts: string;
  deadLetters: string;
  /** The summary without what the wall clock and the process decide. */
  summary: Omit<ReplaySummary, 'elapsedMs' | 'eventsPerSecond' | 'peakRssBytes'>;
}

describe('CustomerOwnership', () => {
  it('puts a household in one worker, also one a customer moved into later, and answers the same for the same ids', () => {
    const ownership = new CustomerOwnership(4);
    const households = Array.from({ length: 40 }, (_, index) => [`A${index}`, `B${index}`, `C${index}`] as const);
    households.forEach((members, index) => members.slice(0, 2).forEach((customerId) => ownership.add({ customerId, householdId: `H${index}` })));
    // C<i> starts alone, then an update moves it into H<i>
    households.forEach(([, , mover], index) => ownership.add({ customerId: mover, householdId: `H${index}` }));
    for (const members of households) expect(new Set(members.map((id) => ownership.ownerOf(id))).size).toBe(1);
    expect(new Set(households.map(([first]) => ownership.ownerOf(first))).size).toBeGreaterThan(1);
    expect(ownership.ownerOf('nobody')).toBe(new CustomerOwnership(4).ownerOf('nobody'));
  });
});

// real work (generates a 200-customer bank over 6 months, then replays it four times, two with worker threads that
// load the sources through tsx): sized for a loaded 2-core machine
describe('tidewatch replay --workers', { timeout: 120_000 }, () => {
  let files: GeneratedFiles;
  let input: string;
  let outcomes: string;
  let single: Outputs;

  async function replayWith(workers: number, name: string): Promise<Outputs> {
    const out = join(files.folder, `${name}-alerts.jsonl`);
    const deadLetters = join(files.folder, `${name}-dead-letters.jsonl`);
    const { summary } = await runReplay(replayRequest({ input, profiles: join(files.folder, 'profiles.jsonl'), products: join(files.folder, 'mixed-products.jsonl'), profileUpdates: join(files.folder, 'profile-updates.jsonl'), outcomes }, out, { workers, deadLetters, until: '2024-09-15' }), quietOutput);
    const { elapsedMs: _elapsed, eventsPerSecond: _rate, peakRssBytes: _rss, ...deterministic } = summary;
    return { alerts: await readFile(out, 'utf8'), deadLetters: await readFile(deadLetters, 'utf8'), summary: deterministic };
  }

  beforeAll(async () => {
    // 3 RMs: one leaves mid-period, so profile updates (handovers, households moved as a whole) are part of it
    files = await generateFiles(smallBank({ customers: 200, months: 6, rms: 3 }));
    // the generated postings with records the reader, the rules and the core refuse, spread through the file
    const lines = await files.lines('transactions.jsonl');
    const foreign = JSON.parse(lines[500]!) as Record<string, unknown>;
    lines.splice(300, 0, 'not JSON');
    lines.splice(900, 0, JSON.stringify({ ...foreign, transactionId: 'tx-eur', currency: 'EUR' }));
    lines.splice(1500, 0, JSON.stringify({ ...foreign, transactionId: 'tx-huge', amountMinor: 10 ** 15 }));
    input = join(files.folder, 'mixed-transactions.jsonl');
    await writeFile(input, `${lines.join('\n')}\n`);
    // and unreadable product events: one before the first, one among them
    const products = await files.lines('products.jsonl');
    products.splice(products.length >> 1, 0, '{"eventTime": "soon"}');
    products.unshift('not JSON either');
    await writeFile(join(files.folder, 'mixed-products.jsonl'), `${products.join('\n')}\n`);
    // RM outcomes on some of the alerts of a first replay: "not interested" suppresses later alerts of that kind
    outcomes = join(files.folder, 'no-outcomes.jsonl');
    await writeFile(outcomes, '');
    const first = await replayWith(1, 'first');
    const rmAlerts = first.alerts.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { feed: string; alert: Alert }).filter((record) => record.feed === 'rm');
    const recorded = rmAlerts.filter((_, index) => index % 7 === 0).map(({ alert }) => ({ alertId: alert.alertId, customerId: alert.customerId, kind: alert.kind, outcome: 'NOT_INTERESTED', recordedAt: alert.detectedAt + 3_600_000 }));
    recorded.sort((left, right) => left.recordedAt - right.recordedAt);
    outcomes = join(files.folder, 'outcomes.jsonl');
    await writeFile(outcomes, recorded.map((outcome) => JSON.stringify(outcome)).join('\n') + '\n');
    single = await replayWith(1, 'single');
    // generating and replaying twice took over the config's 120 s hook timeout twice at load 12-14 on 7 December
  }, 360_000);
  afterAll(async () => files.remove());

  it('covers what it must: households, profile updates, product events, outcomes, refused records, alerts', async () => {
    expect(single.summary.profileUpdates).toBeGreaterThan(0);
    expect(single.summary.productEvents).toBeGreaterThan(0);
    expect(single.summary.outcomes.total).toBeGreaterThan(0);
    expect(single.summary.deadLetters.byReason).toEqual({ invalid: 4, unsupported_currency: 1 });
    expect(single.summary.publishedRecords).toBeGreaterThan(100);
    const households = (await files.lines('profiles.jsonl')).map((line) => (JSON.parse(line) as { householdId: string | null }).householdId);
    expect(households.length - new Set(households).size).toBeGreaterThan(10);
  });

  it('writes the same bytes when the reader hands out a few records at a time and waits for the workers', async () => {
    // reads of 7 records end mid-day and mid-household, and at most 50 in flight keeps the reader waiting for the
    // slower worker: the merge then writes what both have passed, read by read
    const rules = loadRules(shippedRules);
    const context = { rules, calendar: businessCalendar(rules.timeZone), unassignedQueue: 'UNASSIGNED' };
    const opened = await openInput({ input, profiles: join(files.folder, 'profiles.jsonl'), products: join(files.folder, 'mixed-products.jsonl'), profileUpdates: join(files.folder, 'profile-updates.jsonl'), outcomes, timeZone: rules.timeZone });
    async function* sevenAtATime(): AsyncGenerator<ReplayItem[]> {
      let read: ReplayItem[] = [];
      for await (const items of opened.transactions) {
        for (const item of items) {
          read.push(item);
          if (read.length === 7) yield read.splice(0);
        }
      }
      if (read.length > 0) yield read;
    }
    const alerts: string[] = [];
    const deadLetters: string[] = [];
    await runParallelReplay({
      core: context,
      workers: 2,
      chunkSize: 2_000,
      until: untilInstant('2024-09-15', context.calendar),
      sources: { ...opened, transactions: sevenAtATime() },
      inputName: opened.transactionsPath,
      writeAlert: (line) => void alerts.push(line),
      writeDeadLetter: (line) => void deadLetters.push(line),
      maxRecordsInFlight: 50,
    });
    expect(alerts.map((line) => `${line}\n`).join('')).toBe(single.alerts);
    expect(deadLetters.map((line) => `${line}\n`).join('')).toBe(single.deadLetters);
  });

  it('writes the same bytes with 2 and with 3 worker threads as in one thread', async () => {
    for (const workers of [2, 3]) {
      const parallel = await replayWith(workers, `workers-${workers}`);
      expect(parallel.alerts).toBe(single.alerts);
      expect(parallel.deadLetters).toBe(single.deadLetters);
      expect(parallel.summary).toEqual(single.summary);
      expect(JSON.stringify(parallel.summary)).toBe(JSON.stringify(single.summary));
    }
  });
});

// a 150-customer bank generated in memory, simulated twice (once on worker threads): sized for a loaded 2-core machine
describe('the backtest simulation on worker threads', { timeout: 120_000 }, () => {
  it('publishes the same records in the same order, and scores every customer the same, as in one thread', async () => {
    const source = { kind: 'generated' as const, bank: smallBank({ customers: 150, months: 5, rms: 3 }) };
    const run = async (workers: number) => {
      const records: string[] = [];
      const transactions: string[] = [];
      const simulation = await simulate({ source, core, workers, onAlert: (record) => records.push(JSON.stringify(record)), onTransaction: (transaction) => transactions.push(transaction.transactionId) });
      const { elapsedMs: _elapsed, eventsPerSecond: _rate, peakRssBytes: _rss, ...summary } = simulation.summary;
      return { records, transactions, summary, scores: simulation.scores, rmIds: simulation.rmIds, customers: simulation.customers };
    };
    const single = await run(1);
    expect(single.records.length).toBeGreaterThan(50);
    expect(single.scores.customers.length).toBeGreaterThan(100);
    expect(await run(2)).toEqual(single);
  });
});
