/**
 * `npm run bench:replay`: how fast `tidewatch replay` runs in memory, against the rate of merely reading the same
 * file (lines + JSON.parse + zod validation, the replay's own reader) in the same run. Not part of `npm test`.
 *
 *   npm run bench:replay                                   generates 2,000 customers × 6 months (~330,000 postings)
 *   npm run bench:replay -- --customers 1000 --months 6     a smaller bank
 *   npm run bench:replay -- --input DIR|FILE.jsonl          an existing file (or `tidewatch generate` folder)
 *   node --cpu-prof --import tsx bench/replay.ts ...        with a CPU profile of the whole run
 *
 * Prints a table and one JSON line ({"bench":"replay",...}); fails only when something does not work.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { generate } from '../src/generate/run.ts';
import { jsonlTransactions } from '../src/replay/inputs/jsonl.ts';
import { runReplay } from '../src/replay/run.ts';

const optionsSchema = z.object({
  input: z.string().min(1).optional(),
  customers: z.coerce.number().int().positive().default(2_000),
  months: z.coerce.number().int().positive().default(6),
  'chunk-size': z.coerce.number().int().positive().default(2_000),
});

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const say = (text: string) => process.stderr.write(`${text}\n`);
const MiB = 1024 * 1024;

/** The highest resident set size seen while a phase runs (maxRSS would also count the generation before it). */
function startRssSampler(intervalMs = 200): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

/** The baseline: the replay's JSON Lines reader alone (read, split, JSON.parse, zod), counting what it hands over. */
async function readOnly(path: string): Promise<{ events: number; ms: number }> {
  const startedAt = performance.now();
  let events = 0;
  for await (const items of jsonlTransactions(path)) events += items.length;
  return { events, ms: performance.now() - startedAt };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { input: { type: 'string' }, customers: { type: 'string' }, months: { type: 'string' }, 'chunk-size': { type: 'string' } } });
  const options = optionsSchema.parse(values);
  const scratch = await mkdtemp(join(tmpdir(), 'tidewatch-bench-replay-'));
  try {
    let input = options.input;
    if (input === undefined) {
      say(`generating ${count(options.customers)} customers × ${options.months} months`);
      await generate(
        { bank: { customers: options.customers, months: options.months, start: '2024-01-01', seed: 42, currency: 'CZK', churnShare: 0.08, growShare: 0.05, rms: Math.max(1, Math.floor(options.customers / 250)), tierFloorsMinor: { GOLD: 10_000_000, PLATINUM: 30_000_000, BLACK_GOLD: 100_000_000 } }, out: scratch, to: 'jsonl', rate: null, quiet: true },
        { env: {}, stdout: () => {}, stderr: () => {}, stderrIsTTY: false },
      );
      input = scratch;
    }
    const transactionsFile = existsSync(input) && statSync(input).isDirectory() ? join(input, 'transactions.jsonl') : input;
    const bytes = statSync(transactionsFile).size;

    say('baseline: warming up the page cache and the JIT, then reading the file once more');
    await readOnly(transactionsFile);
    const baseline = await readOnly(transactionsFile);
    const baselineRate = (baseline.events / baseline.ms) * 1000;
    say(`baseline: ${count(baselineRate)} events/s`);

    say('replay: in memory, alerts to a file');
    const rss = startRssSampler();
    const startedAt = performance.now();
    const { summary } = await runReplay(
      {
        input: { input },
        rulesFile: fileURLToPath(new URL('../rules/default.yaml', import.meta.url)),
        out: join(scratch, 'alerts.jsonl'),
        deadLetters: null,
        summaryJson: null,
        redis: null,
        keep: false,
        until: null,
        chunkSize: options['chunk-size'],
        unassignedQueue: 'UNASSIGNED',
        quiet: true,
      },
      { stdout: new Writable({ write: (_chunk, _encoding, done) => done() }), stderr: (text) => process.stderr.write(text), stderrIsTTY: process.stderr.isTTY === true },
    );
    const replayMs = performance.now() - startedAt;
    const peakRss = rss.stop();
    const replayRate = (summary.events / replayMs) * 1000;
    const ratio = replayRate / baselineRate;

    const rows: Array<[string, string]> = [
      ['input', `${transactionsFile} (${count(bytes / MiB)} MiB, ${count(baseline.events)} lines)`],
      ['read + JSON.parse + zod (baseline)', `${count(baselineRate)} events/s (${(baseline.ms / 1000).toFixed(1)} s)`],
      ['replay in memory (profiles, core, timers, alerts to a file)', `${count(replayRate)} events/s (${(replayMs / 1000).toFixed(1)} s)`],
      ['ratio replay / baseline (target >= 0.5)', ratio.toFixed(2)],
      ['timers fired', count(summary.timersFired)],
      ['published records', count(summary.publishedRecords)],
      ['peak RSS during the replay', `${count(peakRss / MiB)} MiB`],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    process.stdout.write(`${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`);
    process.stdout.write(
      `${JSON.stringify({ bench: 'replay', events: summary.events, baselineEventsPerSecond: Math.round(baselineRate), replayEventsPerSecond: Math.round(replayRate), ratio: Number(ratio.toFixed(3)), timersFired: summary.timersFired, publishedRecords: summary.publishedRecords, peakRssBytes: peakRss })}\n`,
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:replay: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
