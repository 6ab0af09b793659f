import type { Writable } from 'node:stream';
import { businessCalendar } from '../core/calendar.ts';
import type { BusinessCalendar } from '../core/calendar.ts';
import type { CoreContext } from '../core/processor.ts';
import { loadRules } from '../core/rules.ts';
import { startOfNextDay } from './day-boundary.ts';
import { MemoryStateStore } from '../state/memory-store.ts';
import { writeOutputFile } from '../generate/output-file.ts';
import { Replay } from './engine.ts';
import { runParallelReplay } from './parallel/coordinator.ts';
import type { ParallelThreads } from './parallel/coordinator.ts';
import { openInput } from './input.ts';
import type { InputRequest } from './input.ts';
import { fileSink, streamSink } from './line-sink.ts';
import type { LineSink } from './line-sink.ts';
import { applyOutcomes } from './outcomes.ts';
import type { OutcomeHook } from './outcomes.ts';
import { ReplayProgress } from './progress.ts';
import { openRedisReplayStore } from './redis-store.ts';
import type { RedisReplayStore } from './redis-store.ts';
import type { ReplaySummary } from './summary.ts';
import { summaryText } from './summary-text.ts';
import type { RunNotes } from './summary-text.ts';

export interface ReplayRequest {
  input: Omit<InputRequest, 'timeZone' | 'onBytes'>;
  rulesFile: string;
  /** Alerts as JSON Lines; '-' for standard output; null: not written. */
  out: string | null;
  deadLetters: string | null;
  summaryJson: string | null;
  /** Redis URL; null: in memory. */
  redis: string | null;
  /** Leave the Redis keys in place for inspection. */
  keep: boolean;
  /** Lets time run on after the last event: an ISO date (through the end of that business day) or date-time. */
  until: string | null;
  chunkSize: number;
  /** Worker threads (src/replay/parallel); 1: the replay runs in this thread. Same output either way. */
  workers: number;
  unassignedQueue: string;
  quiet: boolean;
  /** Where RM outcomes go; default: the core's processOutcomes (suppression), as in the service. */
  onOutcomes?: OutcomeHook;
  /** Stops the replay between batches; outputs are discarded and Redis keys removed as on any failure. */
  signal?: AbortSignal;
}

/** Options that do not go together (said in one line by the CLI). */
export class ReplayOptionError extends Error {
  override readonly name = 'ReplayOptionError';
}

export interface ReplayEnvironment {
  stdout: Writable;
  stderr: (text: string) => void;
  stderrIsTTY: boolean;
}

export interface ReplayRun {
  summary: ReplaySummary;
  notes: RunNotes;
  /** With worker threads: where the time went (the bench prints it). */
  threads?: ParallelThreads;
}

/** `tidewatch replay` end to end: rules, input, store, outputs, the engine, then the summary. */
export async function runReplay(request: ReplayRequest, environment: ReplayEnvironment): Promise<ReplayRun> {
  const rules = loadRules(request.rulesFile);
  const core: CoreContext = { rules, calendar: businessCalendar(rules.timeZone), unassignedQueue: request.unassignedQueue };
  let progress: ReplayProgress | undefined;
  const input = await openInput({ ...request.input, timeZone: rules.timeZone, onBytes: (bytes) => progress?.bytes(bytes) });
  progress = new ReplayProgress(environment.stderr, environment.stderrIsTTY && !request.quiet, input.totalBytes);

  const redis: RedisReplayStore | undefined = request.redis === null ? undefined : await openRedisReplayStore(request.redis, { keep: request.keep });
  const sinks: LineSink[] = [];
  let summary: ReplaySummary;
  let threads: ParallelThreads | undefined;
  try {
    const alerts = request.out === null ? undefined : request.out === '-' ? streamSink(environment.stdout) : fileSink(request.out);
    const deadLetters = request.deadLetters === null ? undefined : fileSink(request.deadLetters);
    for (const sink of [alerts, deadLetters]) if (sink !== undefined) sinks.push(sink);
    const until = request.until === null ? null : untilInstant(request.until, core.calendar);
    const onProgress = (events: number) => progress?.events(events);
    if (request.workers > 1) {
      if (redis !== undefined) throw new ReplayOptionError('--workers above 1 keeps the state in memory; --redis takes --workers 1');
      if (request.onOutcomes !== undefined) throw new ReplayOptionError('an outcome hook runs in this thread only: it takes workers 1');
      ({ summary, threads } = await runParallelReplay({
        core,
        workers: request.workers,
        chunkSize: request.chunkSize,
        until,
        sources: input,
        inputName: input.transactionsPath,
        writeAlert: alerts === undefined ? undefined : (line) => alerts.write(line),
        writeDeadLetter: deadLetters === undefined ? undefined : (line) => deadLetters.write(line),
        onProgress,
        signal: request.signal,
      }));
    } else {
      const replay = new Replay({
        core,
        store: redis?.store ?? new MemoryStateStore({ copies: false }),
        chunkSize: request.chunkSize,
        until,
        inputName: input.transactionsPath,
        onAlert: alerts === undefined ? undefined : (record) => alerts.write(JSON.stringify(record)),
        onDeadLetter: deadLetters === undefined ? undefined : (letter) => deadLetters.write(JSON.stringify(letter)),
        outcomes: input.outcomes,
        products: input.products,
        profileUpdates: input.profileUpdates,
        onOutcomes: request.onOutcomes ?? applyOutcomes(core.rules),
        onProgress,
        signal: request.signal,
      });
      await replay.loadProfiles(input.profiles);
      summary = await replay.run(input.transactions);
    }
    for (const sink of sinks) await sink.close();
  } catch (error) {
    await Promise.all(sinks.map((sink) => sink.discard().catch(() => {})));
    throw error;
  } finally {
    progress.finish();
    await redis?.close();
  }

  const notes: RunNotes = {
    input: request.input.input,
    format: input.format,
    store: redis === undefined ? `in memory${request.workers > 1 ? `, ${request.workers} worker threads` : ''}` : `Redis, prefix ${redis.prefix}${request.keep ? ' (kept)' : ''}`,
    reorder: input.reorder,
  };
  if (request.summaryJson !== null) await writeOutputFile(request.summaryJson, `${JSON.stringify({ ...summary, run: notes }, null, 2)}\n`);
  if (!request.quiet) {
    const text = summaryText(summary, notes);
    if (request.out === '-') environment.stderr(text);
    else environment.stdout.write(text);
  }
  return threads === undefined ? { summary, notes } : { summary, notes, threads };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `--until`: a date runs through the end of that business day in the bank's time zone; a date-time is taken as is. */
export function untilInstant(text: string, calendar: BusinessCalendar): number {
  const instant = ISO_DATE.test(text) ? startOfNextDay(calendar, Date.parse(`${text}T12:00:00Z`)) - 1 : Date.parse(text);
  if (!Number.isFinite(instant)) throw new RangeError(`--until ${text}: not an ISO date or date-time`);
  return instant;
}
