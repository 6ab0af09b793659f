import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { businessCalendar } from '../src/core/calendar.ts';
import type { CoreContext } from '../src/core/processor.ts';
import { loadRules } from '../src/core/rules.ts';
import { Replay } from '../src/replay/engine.ts';
import { openInput } from '../src/replay/input.ts';
import { applyOutcomes } from '../src/replay/outcomes.ts';
import type { ReplaySummary } from '../src/replay/summary.ts';
import { MemoryStateStore } from '../src/state/memory-store.ts';

/** One look at the replay's memory when it had taken `postings` records. */
export interface MemoryMark {
  postings: number;
  seconds: number;
  rssBytes: number;
  /** Heap in use as found (garbage included). */
  heapUsedBytes: number;
  /** Heap in use right after a full garbage collection: what the replay keeps. */
  liveHeapBytes: number;
  /** The highest resident set seen (sampled every 200 ms) since the start. */
  peakRssBytes: number;
}

export interface MemoryRun {
  postings: number;
  customers: number;
  months: number;
  feedDays: number;
  marks: MemoryMark[];
  summary: ReplaySummary;
  seconds: number;
  eventsPerSecond: number;
  peakRssBytes: number;
}

/** Postings a generated customer makes in a month, at least (26 on average in the default model; churners stop). */
const POSTINGS_PER_CUSTOMER_MONTH = 18;

/** Months of history the feed's bank needs for `postings` postings of `customers` customers (it stops at `postings`). */
export function monthsFor(postings: number, customers: number): number {
  return Math.max(1, Math.ceil(postings / (customers * POSTINGS_PER_CUSTOMER_MONTH)));
}

/** A first day such that `months` months end before `today` (the generator refuses a period reaching today). */
export function startFor(months: number, today: Date): string {
  const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - months - 1, 1));
  return start.toISOString().slice(0, 10);
}

/** The marks at which memory is looked at: every `every` postings up to `postings`, and `postings` itself. */
export function markPoints(postings: number, every: number): number[] {
  const points: number[] = [];
  for (let point = every; point < postings; point += every) points.push(point);
  points.push(postings);
  return points;
}

/**
 * How much the live heap grows per million postings between the first mark at or after `fromPostings` and the last
 * (least squares over those marks): about 0 when memory stays flat. NaN with fewer than two such marks.
 */
export function liveHeapSlopePerMillion(marks: readonly MemoryMark[], fromPostings: number): number {
  const used = marks.filter((mark) => mark.postings >= fromPostings);
  if (used.length < 2) return Number.NaN;
  const xs = used.map((mark) => mark.postings / 1e6);
  const ys = used.map((mark) => mark.liveHeapBytes);
  const meanX = xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / ys.length;
  let numerator = 0;
  let denominator = 0;
  xs.forEach((x, index) => {
    numerator += (x - meanX) * ((ys[index] ?? 0) - meanY);
    denominator += (x - meanX) ** 2;
  });
  return denominator === 0 ? Number.NaN : numerator / denominator;
}

/** A full collection on demand (as `node --expose-gc` gives), for the live heap at each mark. */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

const feedScript = fileURLToPath(new URL('./replay-memory-feed.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Replays `postings` postings of a generated bank of `customers` customers in memory, in this thread (the engine of
 * `tidewatch replay --workers 1`), read from a named pipe that a child process fills as it generates: nothing is
 * written to disk but the profiles, and the generator's memory is not this process's. At every mark the resident
 * set, the heap, and the heap after a full collection are taken. Fails when the replay did not take every posting
 * the feed wrote.
 */
export async function measureReplayMemory(options: { postings: number; customers: number; every: number; rulesFile: string; seed: number; chunkSize: number; say: (line: string) => void }): Promise<MemoryRun> {
  const { postings, customers, say } = options;
  const rules = loadRules(options.rulesFile);
  const core: CoreContext = { rules, calendar: businessCalendar(rules.timeZone), unassignedQueue: 'UNASSIGNED' };
  const months = monthsFor(postings, customers);
  const start = startFor(months, new Date());
  const folder = await mkdtemp(join(tmpdir(), 'tidewatch-bench-replay-memory-'));
  const gc = collector();
  const feed = spawn(process.execPath, ['--import', 'tsx', feedScript, folder, String(postings), String(customers), String(months), start, options.rulesFile, String(options.seed)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const feedExit = new Promise<number | null>((resolveExit) => feed.once('exit', (code) => resolveExit(code)));
  const feedLines = createInterface({ input: feed.stdout })[Symbol.asyncIterator]();
  const nextReport = async (what: string): Promise<Record<string, number>> => {
    const next = await feedLines.next();
    if (next.done === true) throw new Error(`the feed stopped before it reported ${what} (exit code ${await feedExit})`);
    return JSON.parse(next.value) as Record<string, number>;
  };
  try {
    execFileSync('mkfifo', [join(folder, 'transactions.jsonl')]);
    say(`memory: generating ${customers.toLocaleString('en-US')} customers × ${months} months from ${start}, streamed through a pipe until ${postings.toLocaleString('en-US')} postings`);
    await nextReport('the profiles');
    const input = await openInput({ input: folder, timeZone: rules.timeZone });

    const points = markPoints(postings, options.every);
    const marks: MemoryMark[] = [];
    const startedAt = performance.now();
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 200);
    const take = (events: number) => {
      const before = process.memoryUsage();
      peakRss = Math.max(peakRss, before.rss);
      gc();
      const after = process.memoryUsage();
      const mark = { postings: events, seconds: (performance.now() - startedAt) / 1000, rssBytes: before.rss, heapUsedBytes: before.heapUsed, liveHeapBytes: after.heapUsed, peakRssBytes: peakRss };
      marks.push(mark);
      const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
      say(`memory: ${events.toLocaleString('en-US')} postings after ${mark.seconds.toFixed(0)} s: RSS ${mib(mark.rssBytes)}, heap ${mib(mark.heapUsedBytes)}, live heap ${mib(mark.liveHeapBytes)}, peak RSS so far ${mib(peakRss)}`);
    };
    let nextPoint = 0;
    const replay = new Replay({
      core,
      store: new MemoryStateStore({ copies: false }),
      chunkSize: options.chunkSize,
      until: null,
      inputName: input.transactionsPath,
      outcomes: input.outcomes,
      products: input.products,
      profileUpdates: input.profileUpdates,
      onOutcomes: applyOutcomes(core.rules),
      onProgress: (events) => {
        if (events < (points[nextPoint] ?? Number.POSITIVE_INFINITY)) return;
        nextPoint += 1;
        take(events);
      },
    });
    let summary: ReplaySummary;
    try {
      await replay.loadProfiles(input.profiles);
      // before the first posting: the process with its code, rules and profiles loaded, no state yet
      take(0);
      summary = await replay.run(input.transactions);
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - startedAt) / 1000;
    // the last mark is the end itself (progress is told every few thousand postings only)
    if (marks.at(-1)?.postings !== summary.events) take(summary.events);
    const fed = await nextReport('what it wrote');
    const code = await feedExit;
    if (code !== 0) throw new Error(`the feed exited with ${code}`);
    if (fed.postings !== postings) throw new Error(`the feed's bank held ${fed.postings} postings, not the ${postings} asked for: ask for fewer or more customers`);
    if (summary.events !== fed.postings) throw new Error(`the replay took ${summary.events} records where the feed wrote ${fed.postings}`);
    return { postings, customers, months, feedDays: fed.days ?? 0, marks, summary, seconds, eventsPerSecond: summary.events / seconds, peakRssBytes: peakRss };
  } finally {
    if (feed.exitCode === null) feed.kill('SIGTERM');
    await rm(folder, { recursive: true, force: true });
  }
}
