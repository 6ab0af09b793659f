import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { CoreContext } from '../../core/processor.ts';
import type { CustomerProfile } from '../../domain/profile.ts';
import { transactionProblem } from '../../pipeline/ingest.ts';
import type { CustomerScore } from '../../report/model.ts';
import type { OutcomeSource } from '../outcomes.ts';
import { recordOrder } from '../publish-order.ts';
import type { ProductSource, ProfileItem, ProfileUpdateSource, ReplayDeadLetter, ReplayItem, TransactionItem } from '../records.ts';
import { ReplayTally } from '../summary.ts';
import type { ReplaySummary } from '../summary.ts';
import { fromWorkerSchema, packChunk } from './messages.ts';
import type { FromWorker, OrderedLine, ToWorker, WorkerSetup } from './messages.ts';
import { OrderedMerge } from './ordered-merge.ts';
import { CustomerOwnership } from './ownership.ts';
import { SideInputTee } from './side-relay.ts';
import { replayWorkerEntry, spawnWorker } from './spawn.ts';
import { threadCpuMs } from './thread-cpu.ts';

/**
 * Records sent to a worker and not yet answered (at least one read is always let through): bounds memory when the
 * reader runs ahead of the workers (about 10 MiB of messages per worker on a generated bank). Room for about ten
 * reads of a file, or a hundred days of a backtest's bank: a worker that meets a day heavier than the others' runs
 * on instead of waiting for them, and the reader can read ahead while the workers start.
 */
const MAX_RECORDS_IN_FLIGHT = 32_768;
const PROFILES_PER_MESSAGE = 1_000;
/** Owners travel as bytes. */
export const MAX_WORKERS = 255;
/** More workers than this rarely pays: the reading thread feeds them all. */
export const DEFAULT_WORKERS_CAP = 8;

/** `--workers` by default: one per CPU, at most DEFAULT_WORKERS_CAP (1 on one CPU: the replay in this thread). */
export const defaultWorkerCount = (): number => Math.max(1, Math.min(availableParallelism(), DEFAULT_WORKERS_CAP));

/**
 * Where a parallel replay's time went, for the bench (`npm run bench:replay`): CPU of this thread and of each worker
 * (null where the platform cannot tell: not Linux), how long each worker's event loop waited for work (its start-up
 * included), and how long this thread waited for workers to take more records (0: the reader was the limit).
 */
export interface ParallelThreads {
  coordinatorCpuMs: number | null;
  waitedForWorkersMs: number;
  workers: Array<{ cpuMs: number | null; idleMs: number }>;
}

/** What a parallel replay reads: as the engine takes them (files or generated in memory). */
export interface ParallelSources {
  profiles: AsyncIterable<readonly ProfileItem[]> | Iterable<readonly ProfileItem[]>;
  transactions: AsyncIterable<ReplayItem | readonly ReplayItem[]> | Iterable<ReplayItem | readonly ReplayItem[]>;
  outcomes?: OutcomeSource;
  products?: ProductSource;
  profileUpdates?: ProfileUpdateSource;
}

export interface ParallelReplayRequest {
  core: CoreContext;
  workers: number;
  chunkSize: number;
  until: number | null;
  sources: ParallelSources;
  /** Names the transactions in dead letters. */
  inputName: string;
  /** Also score every profiled customer at the end, as the backtest does (finalScores). */
  finalScores?: boolean;
  writeAlert?: (line: string) => Promise<void> | undefined;
  writeDeadLetter?: (line: string) => Promise<void> | undefined;
  onProgress?: (events: number) => void;
  signal?: AbortSignal;
  /** Records in flight to a worker, at most (default MAX_RECORDS_IN_FLIGHT): tests make the reader wait often. */
  maxRecordsInFlight?: number;
}

/** One worker thread and what the coordinator knows of it. */
class ReplayWorker {
  /** Records of the chunks sent and not yet answered, and how many each chunk held (answers come in order). */
  inFlight = 0;
  readonly #chunkSizes: number[] = [];
  done: Extract<FromWorker, { type: 'done' }> | undefined;
  #wake: (() => void) | undefined;

  constructor(
    readonly index: number,
    readonly thread: Worker,
  ) {}

  post(message: ToWorker, transfer: readonly ArrayBuffer[] = []): void {
    if (message.type === 'chunk') {
      this.inFlight += message.records;
      this.#chunkSizes.push(message.records);
    }
    this.thread.postMessage(message, transfer);
  }

  /** The worker answered its oldest chunk (or the end). */
  answeredChunk(): void {
    this.inFlight -= this.#chunkSizes.shift() ?? 0;
  }

  /** Resolves at the worker's next answer (or failure). */
  answered(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  wake(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/**
 * `tidewatch replay --workers N`: the replay split over N worker threads, customers by household (see
 * CustomerOwnership), with the same output as one replay. This thread reads the input once and hands each worker
 * its customers' records in full and every other record as its event time (so each worker's stream time, batches
 * and timers move exactly as in one replay: src/replay/engine.ts, `passForeign`); it dead-letters what no customer
 * owns (unreadable or implausible records), merges the workers' alerts and dead letters by publish order
 * (src/replay/publish-order.ts), and adds up their counts. Side inputs reach every worker through a tee
 * (side-relay.ts). Memory: the reads in flight and the lines the slowest worker has not reached yet; the profiles
 * and profile updates are held until handed out.
 */
export async function runParallelReplay(request: ParallelReplayRequest): Promise<{ summary: ReplaySummary; scores: CustomerScore[] | null; threads: ParallelThreads }> {
  const startedAt = performance.now();
  const cpuAtStart = threadCpuMs();
  let waitedForWorkersMs = 0;
  const { core, sources, inputName } = request;
  if (!Number.isSafeInteger(request.workers) || request.workers < 2 || request.workers > MAX_WORKERS) throw new RangeError(`workers must be 2 .. ${MAX_WORKERS}, got ${request.workers}`);
  const tally = new ReplayTally(core.calendar, core.unassignedQueue);
  const noWrite = () => undefined;
  const alerts = new OrderedMerge(request.workers, request.writeAlert ?? noWrite);
  // sources 0 .. n-1: the workers; n: this thread's own dead letters
  const deadLetters = new OrderedMerge(request.workers + 1, request.writeDeadLetter ?? noWrite);
  const own = request.workers;
  const maxInFlight = request.maxRecordsInFlight ?? MAX_RECORDS_IN_FLIGHT;

  // households first: a worker must hold every member of its customers' households
  const ownership = new CustomerOwnership(request.workers);
  const profiles: CustomerProfile[] = [];
  for await (const entry of sources.profiles) {
    for (const item of entry) {
      if (item.kind === 'rejected') {
        // one replay dead-letters them before anything else
        tally.deadLetter(item.reason);
        const waiting = request.writeDeadLetter?.(JSON.stringify({ reason: item.reason, detail: item.detail, offset: null, origin: item.origin } satisfies ReplayDeadLetter));
        if (waiting !== undefined) await waiting;
        continue;
      }
      ownership.add(item.profile);
      profiles.push(item.profile);
    }
  }
  // every worker reads every side input through a tee; the coordinator reads the profile updates first (one more
  // consumer) for the households they move customers into, which keeps them in memory until the workers are past them
  const consumers = request.workers + 1;
  const tees = {
    outcomes: sources.outcomes === undefined ? undefined : new SideInputTee(sources.outcomes, request.workers),
    products: sources.products === undefined ? undefined : new SideInputTee(sources.products, request.workers),
    profileUpdates: sources.profileUpdates === undefined ? undefined : new SideInputTee(sources.profileUpdates, consumers),
  };
  if (tees.profileUpdates !== undefined) {
    for (let batch = await tees.profileUpdates.next(request.workers); batch !== undefined; batch = await tees.profileUpdates.next(request.workers)) {
      for (const item of batch) if (item.kind === 'profile') ownership.add(item.profile);
    }
  }
  const ownerOverrides = ownership.overrides();
  const workers: ReplayWorker[] = [];
  const ports: MessagePort[] = [];
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    for (const worker of workers) worker.wake();
  };
  try {
    for (let index = 0; index < request.workers; index += 1) {
      const sideInputs: WorkerSetup['sideInputs'] = {};
      for (const name of ['outcomes', 'products', 'profileUpdates'] as const) {
        const tee = tees[name];
        if (tee === undefined) continue;
        const { port1, port2 } = new MessageChannel();
        (tee as SideInputTee<unknown>).serve(index, port1, fail);
        ports.push(port1);
        sideInputs[name] = port2;
      }
      const setup: WorkerSetup = {
        index,
        workers: request.workers,
        rulesJson: JSON.stringify(core.rules),
        unassignedQueue: core.unassignedQueue,
        chunkSize: request.chunkSize,
        until: request.until,
        inputName,
        sideInputs,
        finalScores: request.finalScores === true,
        ownerOverrides,
      };
      const worker = new ReplayWorker(index, spawnWorker(replayWorkerEntry(), setup, Object.values(sideInputs)));
      worker.thread.on('message', (raw: unknown) => {
        const parsed = fromWorkerSchema.safeParse(raw);
        if (!parsed.success) return fail(new Error(`worker ${index} sent an unexpected message: ${parsed.error.message}`));
        const message = parsed.data;
        if (message.type === 'failed') {
          const error = new Error(`replay worker ${index}: ${message.message}`);
          if (message.stack !== undefined) error.stack = `${error.message}\n(worker) ${message.stack}`;
          return fail(error);
        }
        if (message.type === 'done') worker.done = message;
        else {
          worker.answeredChunk();
          alerts.add(index, message.alerts, message.settledBefore);
          deadLetters.add(index, message.deadLetters, message.settledBefore);
        }
        worker.wake();
      });
      worker.thread.on('error', (error) => fail(error));
      worker.thread.on('exit', (code) => {
        if (worker.done === undefined) fail(new Error(`replay worker ${index} stopped (exit code ${code}) before it was done`));
      });
      workers.push(worker);
    }
    const check = () => {
      if (failure !== undefined) throw failure;
      request.signal?.throwIfAborted();
    };

    for (let start = 0; start < profiles.length; start += PROFILES_PER_MESSAGE) {
      const batch = profiles.slice(start, start + PROFILES_PER_MESSAGE);
      const perWorker = workers.map((): CustomerProfile[] => []);
      for (const profile of batch) perWorker[ownership.ownerOf(profile.customerId)]!.push(profile);
      for (const worker of workers) if (perWorker[worker.index]!.length > 0) worker.post({ type: 'profiles', profiles: perWorker[worker.index]! });
    }
    profiles.length = 0;

    let nextOffset = 0;
    const ownDeadLetters: OrderedLine[] = [];
    const refuse = (deadLetter: ReplayDeadLetter) => {
      tally.deadLetter(deadLetter.reason);
      ownDeadLetters.push({ order: recordOrder(deadLetter.offset ?? 0), line: JSON.stringify(deadLetter) });
    };
    const ownerOf = (customerId: string) => ownership.ownerOf(customerId);
    for await (const entry of sources.transactions) {
      check();
      const items: readonly ReplayItem[] = Array.isArray(entry) ? (entry as readonly ReplayItem[]) : [entry as ReplayItem];
      const offsets: number[] = [];
      const eventTimes: number[] = [];
      const owners: number[] = [];
      const ownItems = workers.map((): Array<Omit<TransactionItem, 'kind'>> => []);
      for (const item of items) {
        // as the engine numbers them: a record's own offset (read from a partition) or its ordinal
        const offset = item.offset ?? nextOffset;
        nextOffset = offset + 1;
        tally.events += 1;
        if (request.onProgress !== undefined && tally.events % 4_096 === 0) request.onProgress(tally.events);
        if (item.kind === 'rejected') {
          refuse({ reason: item.reason, detail: item.detail, offset, origin: item.origin });
          continue;
        }
        // the service's bounds of rules `input`, as the engine checks them (a replay's clock is the data's own)
        const implausible = transactionProblem(item.transaction, Number.POSITIVE_INFINITY, core.rules.input);
        if (implausible !== undefined) {
          refuse({ reason: 'invalid', detail: implausible, offset, origin: { source: inputName, line: item.line } });
          continue;
        }
        const { customerId, eventTime } = item.transaction;
        tally.transaction(customerId, eventTime);
        const owner = ownerOf(customerId);
        offsets.push(offset);
        eventTimes.push(eventTime);
        owners.push(owner);
        ownItems[owner]!.push({ line: item.line, transaction: item.transaction });
      }
      deadLetters.add(own, ownDeadLetters.splice(0), nextOffset);
      if (offsets.length > 0) {
        const timeline = { offsets: Float64Array.from(offsets), eventTimes: Float64Array.from(eventTimes), owners: Uint8Array.from(owners) };
        for (const worker of workers) {
          while (worker.inFlight > 0 && worker.inFlight + offsets.length > maxInFlight) {
            const waitFrom = performance.now();
            await worker.answered();
            waitedForWorkersMs += performance.now() - waitFrom;
            check();
          }
          const { message, transfer } = packChunk({ ...timeline, own: ownItems[worker.index]! });
          worker.post(message, [transfer]);
        }
      }
      await alerts.drain();
      await deadLetters.drain();
    }
    deadLetters.add(own, [], Number.POSITIVE_INFINITY);

    for (const worker of workers) worker.post({ type: 'end' });
    for (const worker of workers) {
      while (worker.done === undefined) {
        await worker.answered();
        check();
        await alerts.drain();
        await deadLetters.drain();
      }
    }
    await alerts.finish();
    await deadLetters.finish();

    let endedAt = Number.NEGATIVE_INFINITY;
    for (const { done } of workers) {
      tally.absorb(done!.tally);
      if (done!.clock !== null) endedAt = Math.max(endedAt, done!.clock);
    }
    const scores = request.finalScores === true ? workers.flatMap(({ done }) => done!.scores ?? []) : null;
    // as finalScores sorts them: highest score first, then by customer id
    scores?.sort((left, right) => right.score - left.score || left.customerId.localeCompare(right.customerId));
    const cpuAtEnd = threadCpuMs();
    const threads: ParallelThreads = {
      coordinatorCpuMs: cpuAtStart === null || cpuAtEnd === null ? null : cpuAtEnd - cpuAtStart,
      waitedForWorkersMs,
      workers: workers.map(({ done }) => ({ cpuMs: done!.threadCpuMs, idleMs: done!.idleMs })),
    };
    return { summary: tally.summary({ endedAt, elapsedMs: performance.now() - startedAt, peakRssBytes: process.resourceUsage().maxRSS * 1024 }), scores, threads };
  } finally {
    for (const port of ports) port.close();
    await Promise.all(workers.map((worker) => worker.thread.terminate()));
  }
}
