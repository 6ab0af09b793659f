/**
 * `npm run bench:replay`: how fast `tidewatch replay` runs in memory, against the rate of merely reading and
 * JSON.parsing the same file in the same run (the figure of issue 12's table). Not part of `npm test`.
 *
 *   npm run bench:replay                                   generates 2,000 customers × 6 months (~330,000 postings)
 *   npm run bench:replay -- --customers 1000 --months 6     a smaller bank
 *   npm run bench:replay -- --input DIR|FILE.jsonl --rules rules/presets/cn-card-daily-average.yaml
 *   npm run bench:replay -- --workers 1,2,3                 one replay per count of worker threads (default 1,2)
 *   npm run bench:replay -- --memory 10000000               memory over 10M postings streamed through a pipe
 *   npm run bench:replay -- --help                          every option (bench/replay-options.ts)
 *   node --cpu-prof --import tsx bench/replay.ts ...        with a CPU profile of the whole run
 *
 * Prints a table and one JSON line ({"bench":"replay",...}). Exits non-zero only when something does not work: the
 * input does not match the rules (another currency), more than 1% of the postings are refused, the replays with
 * worker threads wrote other alerts than the first, or a replay fails; never because a speed goal is missed.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { parseGenerateOptions } from '../src/cli/generate-command.ts';
import { generate } from '../src/generate/run.ts';
import type { ParallelThreads } from '../src/replay/parallel/coordinator.ts';
import { threadCpuMs } from '../src/replay/parallel/thread-cpu.ts';
import { runReplay } from '../src/replay/run.ts';
import type { ReplaySummary } from '../src/replay/summary.ts';
import { readAndParse, readerAlone } from './replay-baseline.ts';
import { inputMismatch } from './replay-input-check.ts';
import { liveHeapSlopePerMillion, measureReplayMemory } from './replay-memory.ts';
import { parseReplayBenchArgs, REPLAY_BENCH_USAGE, UsageError } from './replay-options.ts';
import type { ReplayBenchOptions } from './replay-options.ts';

/** More refused postings than this share of the input, and the figures describe another replay than the one meant. */
const MAX_REFUSED_SHARE = 0.01;
const RATIO_GOAL = 0.5;

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const say = (text: string) => process.stderr.write(`${text}\n`);
const MiB = 1024 * 1024;

/** Something that does not work: the bench says what and exits 1 (never for a missed speed goal). */
class BenchFailure extends Error {
  override readonly name = 'BenchFailure';
}

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

/** Postings the core did not take (dead-lettered: another currency, too late, invalid ...), against the input. */
function refusedOf(summary: ReplaySummary): { refused: number; share: number; byReason: string } {
  const { applied, duplicate, already_applied: alreadyApplied } = summary.transactions;
  const refused = summary.events - applied - duplicate - alreadyApplied;
  const byReason = Object.entries(summary.deadLetters.byReason).map(([reason, value]) => `${reason} ${count(value ?? 0)}`).join(', ');
  return { refused, share: summary.events > 0 ? refused / summary.events : 1, byReason: byReason.length > 0 ? byReason : 'none' };
}

interface ReplayRun {
  workers: number;
  out: string;
  summary: ReplaySummary;
  ms: number;
  eventsPerSecond: number;
  peakRss: number;
  cpu: CpuSplit;
}

/**
 * CPU seconds of one replay by thread: this one (the reader, and the replay itself with one thread), each worker
 * (and how long it waited for work), and the rest of the process (V8's GC and compiler threads, the loader). On two
 * cores, two workers can go no faster than the total over two: what this shows.
 */
interface CpuSplit {
  total: number;
  thisThread: number | null;
  workers: Array<{ cpu: number | null; idle: number }>;
  /** How long this thread waited for the workers to take more (0: the reader was the limit). */
  waitedForWorkers: number | null;
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(1));

function cpuSplit(processMicros: NodeJS.CpuUsage, thisThreadMs: number | null, threads: ParallelThreads | undefined): CpuSplit {
  return {
    total: seconds((processMicros.user + processMicros.system) / 1000),
    thisThread: thisThreadMs === null ? null : seconds(thisThreadMs),
    workers: (threads?.workers ?? []).map((worker) => ({ cpu: worker.cpuMs === null ? null : seconds(worker.cpuMs), idle: seconds(worker.idleMs) })),
    waitedForWorkers: threads === undefined ? null : seconds(threads.waitedForWorkersMs),
  };
}

function cpuText(cpu: CpuSplit, ms: number): string {
  const known = [cpu.thisThread, ...cpu.workers.map((worker) => worker.cpu)];
  const parts = [`total ${cpu.total} = ${(cpu.total / (ms / 1000)).toFixed(2)} cores busy`, `this thread ${cpu.thisThread ?? 'n/a'}`];
  if (cpu.workers.length > 0) {
    parts.push(`workers ${cpu.workers.map((worker) => worker.cpu ?? 'n/a').join(' + ')} (event loop idle ${cpu.workers.map((worker) => worker.idle).join(', ')})`);
    parts.push(`reader waited for workers ${cpu.waitedForWorkers} s`);
  }
  if (known.every((value) => value !== null)) parts.push(`other threads (V8 GC and compiler, loader) ${seconds((cpu.total - known.reduce((sum: number, value) => sum + value!, 0)) * 1000)}`);
  return parts.join('; ');
}

/** One `tidewatch replay` in memory, timed from the call to the summary (profiles, side inputs and start-up included). */
async function timedReplay(run: { input: string; rulesFile: string; workers: number; chunkSize: number; out: string }): Promise<ReplayRun> {
  const rss = startRssSampler();
  const startedAt = performance.now();
  const cpuAtStart = process.cpuUsage();
  const threadAtStart = threadCpuMs();
  const { summary, threads } = await runReplay(
    {
      input: { input: run.input },
      rulesFile: run.rulesFile,
      out: run.out,
      deadLetters: null,
      summaryJson: null,
      redis: null,
      keep: false,
      until: null,
      chunkSize: run.chunkSize,
      workers: run.workers,
      unassignedQueue: 'UNASSIGNED',
      quiet: true,
    },
    { stdout: new Writable({ write: (_chunk, _encoding, done) => done() }), stderr: (text) => process.stderr.write(text), stderrIsTTY: process.stderr.isTTY === true },
  );
  const ms = performance.now() - startedAt;
  const threadAtEnd = threadCpuMs();
  const cpu = cpuSplit(process.cpuUsage(cpuAtStart), threadAtStart === null || threadAtEnd === null ? null : threadAtEnd - threadAtStart, threads);
  return { workers: run.workers, out: run.out, summary, ms, eventsPerSecond: (summary.events / ms) * 1000, peakRss: rss.stop(), cpu };
}

/** --memory: RSS, heap and live heap every --sample-every postings of a streamed replay, and the live heap's slope. */
async function memoryBench(options: ReplayBenchOptions & { memory: number }, rulesFile: string): Promise<void> {
  const run = await measureReplayMemory({ postings: options.memory, customers: options.customers, every: options['sample-every'], rulesFile, seed: options.seed, chunkSize: options['chunk-size'], say });
  const refused = refusedOf(run.summary);
  const mib = (bytes: number) => `${count(bytes / MiB)} MiB`;
  const header = ['postings', 'seconds', 'RSS', 'heap used', 'live heap (after GC)', 'peak RSS so far'];
  const body = run.marks.map((mark) => [count(mark.postings), mark.seconds.toFixed(0), mib(mark.rssBytes), mib(mark.heapUsedBytes), mib(mark.liveHeapBytes), mib(mark.peakRssBytes)]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  ');
  const half = liveHeapSlopePerMillion(run.marks, options.memory / 2);
  const slopeFrom = Math.min(1_000_000, options.memory / 2);
  const fromFirstMillion = liveHeapSlopePerMillion(run.marks, slopeFrom);
  const slope = (bytes: number) => (Number.isNaN(bytes) ? 'n/a (too few marks)' : `${bytes >= 0 ? '+' : ''}${(bytes / MiB).toFixed(1)} MiB per million postings`);
  process.stdout.write(
    [
      `replay memory: ${count(run.postings)} postings of ${count(run.customers)} generated customers (${run.months} months, ${count(run.feedDays)} days fed), rules ${rulesFile}, in memory, one thread`,
      line(header),
      ...body.map(line),
      `live heap slope (least squares): ${slope(fromFirstMillion)} from ${count(slopeFrom)} postings on, ${slope(half)} over the second half`,
      `replay: ${count(run.eventsPerSecond)} events/s (${run.seconds.toFixed(0)} s, generation beside it in its own process); peak RSS ${mib(run.peakRssBytes)}`,
      `postings refused (dead letters): ${count(refused.refused)} = ${(refused.share * 100).toFixed(2)} % (${refused.byReason}); timers fired ${count(run.summary.timersFired)}; published records ${count(run.summary.publishedRecords)}`,
      '',
    ].join('\n'),
  );
  process.stdout.write(
    `${JSON.stringify({
      bench: 'replay-memory',
      rules: rulesFile,
      postings: run.postings,
      customers: run.customers,
      months: run.months,
      marks: run.marks,
      liveHeapSlopeBytesPerMillion: { from: slopeFrom, fromThere: Math.round(fromFirstMillion), secondHalf: Math.round(half) },
      eventsPerSecond: Math.round(run.eventsPerSecond),
      peakRssBytes: run.peakRssBytes,
      refused: refused.refused,
      timersFired: run.summary.timersFired,
      publishedRecords: run.summary.publishedRecords,
    })}\n`,
  );
  if (refused.share > MAX_REFUSED_SHARE) throw new BenchFailure(`${count(refused.refused)} of ${count(run.summary.events)} postings (${(refused.share * 100).toFixed(2)} %) were refused (${refused.byReason}): the memory figures do not describe a replay of this input`);
}

async function main(): Promise<void> {
  const parsed = parseReplayBenchArgs(process.argv.slice(2));
  if (parsed.help) {
    process.stdout.write(REPLAY_BENCH_USAGE);
    return;
  }
  const { options } = parsed;
  const rulesFile = resolve(options.rules);
  if (!existsSync(rulesFile)) throw new BenchFailure(`--rules ${options.rules}: no such file`);
  if (options.memory !== undefined) {
    await memoryBench({ ...options, memory: options.memory }, rulesFile);
    return;
  }
  const scratch = await mkdtemp(join(tmpdir(), 'tidewatch-bench-replay-'));
  try {
    let input = options.input;
    if (input === undefined) {
      say(`generating ${count(options.customers)} customers × ${options.months} months in the currency of ${rulesFile}`);
      const request = parseGenerateOptions({ customers: String(options.customers), months: String(options.months), start: '2024-01-01', rules: rulesFile, out: scratch, quiet: true }, Date.now());
      await generate(request, { env: {}, stdout: () => {}, stderr: () => {}, stderrIsTTY: false });
      input = scratch;
    }
    if (!existsSync(input)) throw new BenchFailure(`--input ${input}: no such file or folder`);
    const transactionsFile = statSync(input).isDirectory() ? join(input, 'transactions.jsonl') : input;
    if (!existsSync(transactionsFile)) throw new BenchFailure(`--input ${input}: no transactions.jsonl in the folder`);
    const mismatch = await inputMismatch(transactionsFile, rulesFile);
    if (mismatch !== null) throw new BenchFailure(mismatch);
    const bytes = statSync(transactionsFile).size;

    say('baseline: warming up the page cache and the JIT, then reading the file once more');
    await readAndParse(transactionsFile);
    const baseline = await readAndParse(transactionsFile);
    const reader = await readerAlone(transactionsFile);
    say(`baseline: read + JSON.parse ${count(baseline.eventsPerSecond)} events/s; the replay's reader (+ checks) ${count(reader.eventsPerSecond)} events/s`);

    const runs: ReplayRun[] = [];
    for (const workers of options.workers) {
      say(`replay: in memory, ${workers} worker thread(s), rules ${rulesFile}, alerts to a file`);
      runs.push(await timedReplay({ input, rulesFile, workers, chunkSize: options['chunk-size'], out: join(scratch, `alerts-${workers}.jsonl`) }));
    }
    const first = runs[0]!;
    const refused = refusedOf(first.summary);

    const rows: Array<[string, string]> = [
      ['input', `${transactionsFile} (${count(bytes / MiB)} MiB, ${count(baseline.events)} lines)`],
      ['rules', rulesFile],
      ['read + JSON.parse (baseline)', `${count(baseline.eventsPerSecond)} events/s (${(baseline.ms / 1000).toFixed(1)} s)`],
      ["the replay's reader: read + JSON.parse + checks", `${count(reader.eventsPerSecond)} events/s (${(reader.ms / 1000).toFixed(1)} s)`],
    ];
    for (const run of runs) {
      const speedUp = run === first ? '' : `, ${(run.eventsPerSecond / first.eventsPerSecond).toFixed(2)} × ${first.workers} worker(s)`;
      rows.push([`replay, ${run.workers} worker thread(s) (profiles, core, timers, alerts to a file)`, `${count(run.eventsPerSecond)} events/s (${(run.ms / 1000).toFixed(1)} s)${speedUp}, peak RSS ${count(run.peakRss / MiB)} MiB`]);
      rows.push([`  ratio replay / baseline (goal >= ${RATIO_GOAL})`, (run.eventsPerSecond / baseline.eventsPerSecond).toFixed(3)]);
      rows.push(['  CPU seconds by thread', cpuText(run.cpu, run.ms)]);
    }
    rows.push(
      ['postings refused (dead letters)', `${count(refused.refused)} = ${(refused.share * 100).toFixed(2)} % (${refused.byReason})`],
      ['timers fired', `${count(first.summary.timersFired)} (${(first.summary.timersFired / Math.max(1, first.summary.events)).toFixed(2)} per posting)`],
      ['published records', `${count(first.summary.publishedRecords)}${runs.length > 1 ? ' (the same bytes in every run)' : ''}`],
    );
    const width = Math.max(...rows.map(([label]) => label.length));
    process.stdout.write(`${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'replay',
        rules: rulesFile,
        events: first.summary.events,
        refused: refused.refused,
        deadLetters: first.summary.deadLetters.byReason,
        baselineEventsPerSecond: Math.round(baseline.eventsPerSecond),
        readerEventsPerSecond: Math.round(reader.eventsPerSecond),
        replays: runs.map((run) => ({ workers: run.workers, eventsPerSecond: Math.round(run.eventsPerSecond), ratio: Number((run.eventsPerSecond / baseline.eventsPerSecond).toFixed(3)), peakRssBytes: run.peakRss, cpuSeconds: run.cpu })),
        ratioGoal: RATIO_GOAL,
        timersFired: first.summary.timersFired,
        publishedRecords: first.summary.publishedRecords,
      })}\n`,
    );
    if (refused.share > MAX_REFUSED_SHARE) {
      throw new BenchFailure(`${count(refused.refused)} of ${count(first.summary.events)} postings (${(refused.share * 100).toFixed(2)} %, more than ${MAX_REFUSED_SHARE * 100} %) were refused (${refused.byReason}): the figures above do not measure a replay of this input; check --rules against the input`);
    }
    const alerts = await readFile(first.out);
    for (const run of runs.slice(1)) {
      if (!alerts.equals(await readFile(run.out))) throw new BenchFailure(`the replay with ${run.workers} worker thread(s) wrote other alerts than with ${first.workers}: ${first.out} and ${run.out} differ`);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`bench:replay: ${error.message}\n\n${REPLAY_BENCH_USAGE}`);
    process.exit(2);
  }
  const text = error instanceof BenchFailure ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`bench:replay: FAILED: ${text}\n`);
  process.exit(1);
});
