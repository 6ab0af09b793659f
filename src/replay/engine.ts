import { transactionProblem } from '../pipeline/ingest.ts';
import { opportunityOf } from '../core/policy.ts';
import { householdsForTransactions, householdsOfCustomers } from '../core/household.ts';
import { processTimers, processTransactions } from '../core/processor.ts';
import { processProducts } from '../core/products.ts';
import { processProfiles } from '../core/profiles.ts';
import type { CoreContext } from '../core/processor.ts';
import type { Emission } from '../core/state.ts';
import type { Alert } from '../domain/alert.ts';
import type { ProductEvent } from '../domain/product-event.ts';
import type { CustomerProfile } from '../domain/profile.ts';
import type { StateStore, StateWrite, TimerChange } from '../state/store.ts';
import { startOfNextDay } from './day-boundary.ts';
import { readHouseholds } from '../state/households.ts';
import { MemoryStateStore } from '../state/memory-store.ts';
import { SideInputCursor } from './side-cursor.ts';
import type { AlertOutcome, OutcomeHook, OutcomeItem, OutcomeSource } from './outcomes.ts';
import type { Origin, ProductItem, ProductSource, ProfileItem, ProfileUpdateSource, PublishedRecord, Rejected, ReplayDeadLetter, ReplayItem, ReplaySource, TransactionItem } from './records.ts';
import { isItemArray } from './records.ts';
import { PendingBatch, byPartition, causeOffsets, indexOfOffset, stampDetection } from './pending-batch.ts';
import type { Batch } from './pending-batch.ts';
import { FINISH_STEP, recordOrder, stepOrder, stepRanks } from './publish-order.ts';
import type { PublishOrder } from './publish-order.ts';
import { REPLAY_PARTITION, REPLAY_TIMER_SCOPE } from './positions.ts';
import { ReplayTally } from './summary.ts';
import type { ReplaySummary } from './summary.ts';

/** A product event waiting for stream time to reach it, with where it came from (for its dead letter). */
interface PendingProduct {
  event: ProductEvent;
  origin: Origin;
  /** Its offset on the products partition, when it came from one (a rebuild); else its ordinal. */
  offset: number | undefined;
  /** The input partition it came from (a rebuild of several partitions at once); undefined: the replay's own. */
  partition: number | undefined;
}

/** What a replay of several input partitions at once (`partitions`) counted for each of them. */
export interface PartitionCounts {
  /** Transactions the core applied. */
  applied: number;
  timersFired: number;
  /** Records refused (dead letters: the readers', the core's). */
  refused: number;
}

export { REPLAY_PARTITION, REPLAY_TIMER_SCOPE } from './positions.ts';
export const DEFAULT_CHUNK_SIZE = 2_000;
const TIMERS_PER_ROUND = 500;
const PROFILES_PER_CALL = 1_000;
const PROGRESS_EVERY = 4_096;

export interface ReplayOptions {
  core: CoreContext;
  /** Default: a MemoryStateStore of its own, without copies (the replay is its only caller). */
  store?: StateStore;
  /** Records per core batch (at most; a batch also ends where a timer or an outcome falls due). */
  chunkSize?: number;
  /** Lets stream time run on after the last event, firing the timers due up to this instant (UTC millis). */
  until?: number | null;
  /**
   * Only timers due up to this instant fire (default: every timer, as stream time reaches it); later ones stay in the
   * timer set. `tidewatch rebuild` (`--timers-until`): a service fires its timers in sweeps, and those it had not swept
   * before the loss fire after the restart, not in the replay.
   */
  timersDueBy?: number;
  /** Names the input in dead letters of transactions the core refuses. */
  inputName?: string;
  /**
   * Every published record, in publish order; a returned promise is awaited (backpressure). `order` places it in the
   * publish order of the whole replay, so that the outputs of workers that each replay some customers merge into
   * the very sequence one replay of all of them publishes (src/replay/parallel).
   */
  onAlert?: (record: PublishedRecord, order: PublishOrder) => void | Promise<void>;
  onDeadLetter?: (deadLetter: ReplayDeadLetter, order: PublishOrder) => void | Promise<void>;
  /**
   * The customers this replay applies (default: all). Side inputs (product events, profile updates, outcomes) of
   * the others only move stream time, as they do in a replay of everyone; their transactions come as `passForeign`.
   */
  owns?: (customerId: string) => boolean;
  /** RM outcomes (`--outcomes`), handed to `onOutcomes` when stream time reaches them. */
  outcomes?: OutcomeSource;
  /**
   * Product events (`--products`), in event-time order, applied through the core (processProducts) as stream time
   * reaches them; those after the end of the replay (or `until`) are not applied.
   */
  products?: ProductSource;
  /**
   * Changes of reference data (`--profile-updates`: CustomerProfile records in `updatedAt` order), applied through
   * the core as the service applies the profiles topic (processProfiles: an RM reassigned or departed puts a valuable
   * customer on watch and tells the new RM) when stream time reaches their `updatedAt`.
   */
  profileUpdates?: ProfileUpdateSource;
  onOutcomes?: OutcomeHook;
  /** Called every few thousand records with the count so far. */
  onProgress?: (events: number) => void;
  /** Wall clock for the rate (performance.now by default). */
  now?: () => number;
  /** Stops the replay at the next batch (Ctrl-C): `run` rejects with the signal's reason, having written nothing half. */
  signal?: AbortSignal;
  /**
   * The input partition the records are applied as, and its timer set (default: the replay's own, 0 and `replay:0`).
   * `tidewatch rebuild` names a real partition of the service, so that the rebuilt state (applied offsets, timers)
   * is the one the service expects; its items then carry their Kafka offsets (`offset` of an item).
   */
  position?: { partition: number; timerScope: string };
  /**
   * Several input partitions replayed together in one event-time order (`tidewatch rebuild` of more than one
   * partition): each item names its partition (`partition` of an item), each partition keeps its own timer set, and a
   * batch is processed partition by partition (its records applied as that partition's, at their offsets). A household's
   * members on any of them are then complete up to the day before stream time, as in a replay of everyone. Replaces
   * `position` (the first entry is the partition of items that name none).
   */
  partitions?: ReadonlyArray<{ partition: number; timerScope: string }>;
}

/** A state write refused in a replay: someone else writes under the replay's keys (a shared Redis prefix?). */
export class ReplayConflictError extends Error {
  override readonly name = 'ReplayConflictError';
}

/**
 * Runs the core over a stream of records the way the service does, with event time as the clock:
 * load → processTransactions → commit (states + timers) → publish → settle, per batch of at most `chunkSize`
 * records; and before a record with event time t, every timer due at or before t fires (processTimers: write,
 * publish, then settle), judged at t. A batch never crosses a due timer, so the batching does not change the output.
 *
 * Timers a batch sets are unknown until it has run, so a batch also never spans two business days: the core's
 * timers (a day's close just after midnight, dormancy stages, an overdue salary) all fall due on a later day than
 * the record that set them. The engine checks that after every batch and stops if the core ever breaks it.
 *
 * Detection is stamped at stream time, not wall-clock time, so two replays give the same bytes: a transaction's
 * alert is detected at the latest event time read up to its record (its own event time unless the record is late),
 * a timer's alert at the event time that took the stream past the due time.
 */
export class Replay {
  readonly store: StateStore;
  readonly #core: CoreContext;
  readonly #options: ReplayOptions;
  readonly #chunkSize: number;
  readonly #now: () => number;
  readonly #tally: ReplayTally;
  #outcomes: SideInputCursor<OutcomeItem, AlertOutcome> | undefined;
  #products: SideInputCursor<ProductItem, PendingProduct> | undefined;
  #profileUpdates: SideInputCursor<ProfileItem, CustomerProfile> | undefined;
  /** Ordinal of the next product event: its offset on the replay's one products partition, unless the event carries its own. */
  #nextProductOffset = 0;
  readonly #partition: number;
  /** Timer scope of each input partition replayed, by partition number (one entry unless `partitions`). */
  readonly #scopes: Map<number, string>;
  readonly #counts = new Map<number, PartitionCounts>();

  #nextOffset = 0;
  /** Offset of the record whose arrival moves stream time on now (FINISH_STEP at the end): orders what that publishes. */
  #step = -1;
  readonly #owns: (customerId: string) => boolean;
  /** Stream time: the latest event time read (or reached by letting time run on). */
  #clock = Number.NEGATIVE_INFINITY;
  #nextDue = Number.POSITIVE_INFINITY;
  /** The event time from which the pending batch must be cut: the first due timer or outcome, or the next business day. */
  #boundary = Number.POSITIVE_INFINITY;

  /** Records read and not yet processed; refused ones wait with them, so dead letters come out in offset order. */
  readonly #pending = new PendingBatch();

  constructor(options: ReplayOptions) {
    this.#options = options;
    this.#core = options.core;
    this.store = options.store ?? new MemoryStateStore({ copies: false });
    this.#chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isSafeInteger(this.#chunkSize) || this.#chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer, got ${this.#chunkSize}`);
    this.#now = options.now ?? (() => performance.now());
    this.#tally = new ReplayTally(options.core.calendar, options.core.unassignedQueue);
    const positions = options.partitions ?? [options.position ?? { partition: REPLAY_PARTITION, timerScope: REPLAY_TIMER_SCOPE }];
    if (positions.length === 0) throw new RangeError('partitions must name at least one partition');
    this.#partition = positions[0]!.partition;
    this.#scopes = new Map(positions.map(({ partition, timerScope }) => [partition, timerScope]));
    this.#owns = options.owns ?? (() => true);
  }

  /** What the replay counted for one of its input partitions (zeros for a partition it has not seen). */
  countsOf(partition: number): PartitionCounts {
    let counts = this.#counts.get(partition);
    if (counts === undefined) {
      counts = { applied: 0, timersFired: 0, refused: 0 };
      this.#counts.set(partition, counts);
    }
    return counts;
  }

  #scopeOf(partition: number): string {
    const scope = this.#scopes.get(partition);
    if (scope === undefined) throw new RangeError(`partition ${partition} is not one this replay applies`);
    return scope;
  }

  /** `partition` for a dead letter of an item that named its partition (the output of a replay of one stays as it was). */
  #partitionTag(partition: number | undefined): { partition?: number } {
    return partition === undefined ? {} : { partition };
  }

  /** What the replay counted so far (a worker hands it to the coordinator, which adds up every worker's). */
  get tally(): ReplayTally {
    return this.#tally;
  }

  /**
   * Every record this replay publishes from now on is ordered at or after this offset (see PublishOrder): what a
   * worker's coordinator may merge and write so far.
   */
  get settledBefore(): number {
    return Math.min(this.#pending.firstOffset, this.#nextOffset);
  }

  /**
   * The reference data, before any transaction: profiles are the bank's current view of each customer, so the
   * replay takes them as holding through the whole period (a compacted topic keeps no history to replay).
   */
  async loadProfiles(profiles: AsyncIterable<ProfileItem | readonly ProfileItem[]> | Iterable<ProfileItem | readonly ProfileItem[]>): Promise<void> {
    let pending: Array<{ customerId: string; profile: CustomerProfile }> = [];
    const put = async () => {
      await this.store.putProfiles(pending);
      pending = [];
    };
    for await (const entry of profiles) {
      for (const item of Array.isArray(entry) ? (entry as readonly ProfileItem[]) : [entry as ProfileItem]) {
        if (item.kind === 'rejected') {
          await this.#rejectedOutsideStream(item);
          continue;
        }
        this.#tally.profiles += 1;
        this.#tally.knownRm(item.profile.rmId);
        pending.push({ customerId: item.profile.customerId, profile: item.profile });
        if (pending.length >= PROFILES_PER_CALL) await put();
      }
    }
    await put();
  }

  /** Replays the source to its end (then lets time run on to `until`), and answers the summary. */
  async run(source: ReplaySource): Promise<ReplaySummary> {
    const startedAt = this.#now();
    await this.start();
    for await (const entry of source) {
      if (isItemArray(entry)) {
        for (const item of entry) {
          const waiting = this.#accept(item);
          if (waiting !== undefined) await waiting;
        }
      } else {
        const waiting = this.#accept(entry);
        if (waiting !== undefined) await waiting;
      }
    }
    await this.finish();
    return this.summary(this.#now() - startedAt);
  }

  /** Opens the side inputs and reads the first timer: `run` does it; a worker feeding `acceptAt`/`passForeign` calls it first. */
  async start(): Promise<void> {
    const onRejected = (rejected: Rejected) => this.#rejectedOutsideStream(rejected);
    this.#outcomes = await SideInputCursor.open(this.#options.outcomes, { valueOf: (item) => item.outcome, timeOf: (outcome) => outcome.recordedAt, onRejected });
    this.#products = await SideInputCursor.open(this.#options.products, {
      valueOf: ({ event, origin, offset, partition }): PendingProduct => ({ event, origin, offset, partition }),
      timeOf: ({ event }) => event.eventTime,
      onRejected,
    });
    this.#profileUpdates = await SideInputCursor.open(this.#options.profileUpdates, {
      valueOf: (item) => item.profile,
      timeOf: (profile) => profile.updatedAt,
      onRejected,
    });
    this.#nextDue = await this.#earliestDue();
    this.#boundary = this.#nextEvent();
  }

  /** The summary of what was replayed, `elapsedMs` taken by the caller. */
  summary(elapsedMs: number): ReplaySummary {
    return this.#tally.summary({ endedAt: this.#clock, elapsedMs, peakRssBytes: process.resourceUsage().maxRSS * 1024 });
  }

  /** Where stream time ended (the last event time, or `until`). */
  get clock(): number {
    return this.#clock;
  }

  /** One record of this replay's customers at its offset in the whole replay (a worker's share of the input). */
  acceptAt(offset: number, item: TransactionItem): Promise<void> | undefined {
    this.#nextOffset = offset;
    return this.#accept(item);
  }

  /**
   * A valid record of another worker's customer: it moves stream time and cuts batches exactly as it does in a
   * replay of every customer (so that timers fire, and alerts are stamped, at the same instants), but is not applied.
   */
  passForeign(offset: number, eventTime: number): Promise<void> | undefined {
    this.#nextOffset = offset + 1;
    if (this.#pending.size >= this.#chunkSize || eventTime >= this.#boundary) return this.#crossThenPass(offset, eventTime);
    this.#pass(eventTime);
    return undefined;
  }

  /** The hot path: synchronous unless the pending batch must be processed first (a promise is returned then). */
  #accept(item: ReplayItem): Promise<void> | undefined {
    // a record's own offset (read from a partition) or its ordinal in the input
    const offset = item.offset ?? this.#nextOffset;
    this.#nextOffset = offset + 1;
    const tally = this.#tally;
    tally.events += 1;
    if (this.#options.onProgress !== undefined && tally.events % PROGRESS_EVERY === 0) this.#options.onProgress(tally.events);
    if (item.kind === 'rejected') {
      this.#pending.refuse({ reason: item.reason, detail: item.detail, offset, origin: item.origin, ...this.#partitionTag(item.partition) });
      return undefined;
    }
    // the service's bounds of rules `input` (a replay's clock is the data's own: no "ahead of the clock")
    const implausible = transactionProblem(item.transaction, Number.POSITIVE_INFINITY, this.#core.rules.input);
    if (implausible !== undefined) {
      this.#pending.refuse({ reason: 'invalid', detail: implausible, offset, origin: { source: this.#options.inputName ?? 'input', line: item.line }, ...this.#partitionTag(item.partition) });
      return undefined;
    }
    const { eventTime, customerId } = item.transaction;
    tally.transaction(customerId, eventTime);
    if (this.#pending.size >= this.#chunkSize || eventTime >= this.#boundary) return this.#crossThenAdd(item, offset);
    this.#add(item, offset);
    return undefined;
  }

  #add(item: TransactionItem, offset: number): void {
    const eventTime = item.transaction.eventTime;
    if (eventTime > this.#clock) this.#clock = eventTime;
    const earliest = this.#pending.earliest;
    this.#pending.add(item, { partition: item.partition ?? this.#partition, offset }, this.#clock);
    this.#cutAtDayEnd(earliest, eventTime);
  }

  #pass(eventTime: number): void {
    if (eventTime > this.#clock) this.#clock = eventTime;
    const earliest = this.#pending.earliest;
    this.#pending.addForeign(eventTime);
    this.#cutAtDayEnd(earliest, eventTime);
  }

  /** The batch must end with the business day of its earliest record (see the class comment). */
  #cutAtDayEnd(earliestBefore: number, eventTime: number): void {
    if (eventTime < earliestBefore) this.#boundary = Math.min(this.#nextEvent(), startOfNextDay(this.#core.calendar, eventTime));
  }

  async #crossThenAdd(item: TransactionItem, offset: number): Promise<void> {
    await this.#cross(offset, item.transaction.eventTime);
    this.#add(item, offset);
  }

  async #crossThenPass(offset: number, eventTime: number): Promise<void> {
    await this.#cross(offset, eventTime);
    this.#pass(eventTime);
  }

  /** Processes the pending batch and moves stream time to the record at `offset`, which comes after both. */
  async #cross(offset: number, eventTime: number): Promise<void> {
    await this.#flush();
    this.#step = offset;
    await this.#advanceTo(Math.max(this.#clock, eventTime));
  }

  /** The earliest of the next due timer, outcome, product event and profile update: where a batch of transactions must end. */
  #nextEvent(): number {
    return Math.min(this.#nextDue, this.#sideInputs()?.nextAt ?? Number.POSITIVE_INFINITY);
  }

  #sideInputs() {
    const [outcomes, products, updates] = [this.#outcomes, this.#products, this.#profileUpdates];
    if (outcomes === undefined || products === undefined || updates === undefined) return undefined;
    return { outcomes, products, updates, nextAt: Math.min(outcomes.nextAt, products.nextAt, updates.nextAt) };
  }

  /**
   * Moves stream time to `time`: profile updates, outcomes recorded, product events and timers due up to it are
   * handled in time order; at the same instant reference data first (as the service handles a fetch), and timers
   * before any side input (they were due first).
   */
  async #advanceTo(time: number): Promise<void> {
    const inputs = this.#sideInputs();
    if (inputs === undefined) throw new Error('the replay has not started');
    const { outcomes, products, updates } = inputs;
    for (;;) {
      const next = Math.min(outcomes.nextAt, products.nextAt, updates.nextAt);
      if (next <= time && next < this.#nextDue) {
        if (updates.nextAt === next) await this.#applyProfileUpdates(await updates.takeUpTo(next));
        else if (outcomes.nextAt === next) await this.#deliverOutcomes(await outcomes.takeUpTo(Math.min(time, this.#nextDue - 1, products.nextAt, updates.nextAt - 1)), time);
        else await this.#applyProduct(await products.take());
      } else if (this.#nextDue <= time) {
        // judged no later than the next product event or profile update, which may change what they find; none
        // due after the next outcome fires before it is delivered (everything in time order: a worker, which
        // knows only its own timers, then delivers it at the same point as a replay of every customer)
        const judgedAt = Math.min(time, products.nextAt, updates.nextAt);
        await this.#fireTimers(judgedAt, Math.min(judgedAt, outcomes.nextAt));
      } else {
        break;
      }
    }
    if (time > this.#clock) this.#clock = time;
    this.#boundary = this.#nextEvent();
  }

  /** The pending batch, as the service handles one: load, core, commit, publish, settle (partition by partition). */
  async #flush(): Promise<void> {
    if (this.#pending.isEmpty) return;
    this.#options.signal?.throwIfAborted();
    for (const [partition, batch] of byPartition(this.#pending.take(), this.#partition)) await this.#flushPartition(partition, batch);
  }

  /** One input partition's share of a batch (all of it, unless `partitions`). */
  async #flushPartition(partition: number, batch: Batch): Promise<void> {
    const { records, refused } = batch;
    const counts = this.countsOf(partition);
    if (records.length > 0) {
      const loaded = await this.store.load(batch.customers);
      // in event-time order every member is complete up to the day before the clock's: no household waits
      const passedDay = this.#core.calendar.dayOf(Math.max(this.#clock, batch.latest)) - 1;
      await readHouseholds(this.store, loaded, householdsForTransactions(loaded, records, this.#core.rules, this.#core.calendar), { passedDayOf: () => passedDay });
      const input = { partition, firstOffset: records[0]!.position.offset, timerScope: this.#scopeOf(partition), detectedAt: this.#clock };
      const result = processTransactions(loaded, records, input, this.#core);
      counts.applied += result.outcomes.applied;
      if (result.emissions.length > 0) stampDetection(result.writes, batch);
      await this.#commit(result.writes, result.timers);
      this.#tally.outcomesOfBatch(result.outcomes);
      this.#tally.balanceStampMismatches += result.balanceMismatches;
      for (const { record, reason, detail } of result.rejected) {
        const line = batch.lines[indexOfOffset(records, record.position.offset)] ?? 0;
        refused.push({ reason, detail, offset: record.position.offset, origin: { source: this.#options.inputName ?? 'input', line }, ...this.#partitionTag(this.#scopes.size > 1 ? partition : undefined) });
      }
      counts.refused += refused.length;
      refused.sort((left, right) => (left.offset ?? 0) - (right.offset ?? 0));
      for (const deadLetter of refused) await this.#emitDeadLetter(deadLetter, recordOrder(deadLetter.offset ?? 0));
      const causes = causeOffsets(result.writes);
      await this.#publish(result.emissions, (alert) => recordOrder(causes.get(alert) ?? 0));
      await this.#commit(result.settle, []);
      this.#nextDue = await this.#earliestDue();
      if (this.#nextDue <= batch.latest) {
        throw new Error(
          `a timer set by a batch fell due inside it (${new Date(this.#nextDue).toISOString()}): the core now sets timers due on the same business day as the record that sets them, which the replay's batching (src/replay/engine.ts) assumes it never does`,
        );
      }
    } else {
      counts.refused += refused.length;
      for (const deadLetter of refused) await this.#emitDeadLetter(deadLetter, recordOrder(deadLetter.offset ?? 0));
    }
  }

  /**
   * Timers due up to `dueUpTo`, judged at `now`, in rounds, as the service's sweep: write, publish, then settle (which
   * moves each timer on past `now`).
   */
  async #fireTimers(now: number, dueUpTo: number): Promise<void> {
    const upTo = Math.min(dueUpTo, this.#options.timersDueBy ?? Number.POSITIVE_INFINITY);
    for (const [partition, timerScope] of this.#scopes) await this.#fireTimersOf(partition, timerScope, now, upTo);
    this.#nextDue = await this.#earliestDue();
  }

  /** The due timers of one input partition's timer set. */
  async #fireTimersOf(partition: number, timerScope: string, now: number, dueUpTo: number): Promise<void> {
    for (;;) {
      const due = await this.store.dueTimers(timerScope, dueUpTo, TIMERS_PER_ROUND);
      if (due.length === 0) break;
      const loaded = await this.store.load(due.map((timer) => timer.customerId));
      await readHouseholds(this.store, loaded, householdsOfCustomers(loaded, this.#core.rules), { passedDayOf: () => this.#core.calendar.dayOf(now) - 1 });
      const result = processTimers(loaded, due, { timerScope, now, detectedAt: now }, this.#core);
      await this.#commit(result.writes, []);
      const dueOf = new Map(due.map((timer) => [timer.customerId, timer.due]));
      await this.#publish(result.emissions, (alert) => stepOrder(this.#step, dueOf.get(alert.customerId) ?? now, stepRanks.timer, alert.customerId));
      await this.#commit(result.settle.writes, result.settle.timers);
      this.#tally.timersFired += due.length;
      this.countsOf(partition).timersFired += due.length;
      const stuck = result.settle.timers.find((timer) => timer.due !== null && timer.due <= now);
      if (stuck !== undefined) throw new Error(`the timer of ${stuck.customerId} did not move past ${new Date(now).toISOString()}`);
      if (due.length < TIMERS_PER_ROUND) break;
    }
  }

  /**
   * One product event, as the service handles a batch of them: load, core, commit (state and the customer's timer),
   * publish, settle. Detected at its own event time (stream time), so two replays give the same bytes.
   */
  async #applyProduct({ event, origin, offset, partition }: PendingProduct): Promise<void> {
    this.#options.signal?.throwIfAborted();
    if (event.eventTime > this.#clock) this.#clock = event.eventTime;
    const position = { partition: partition ?? this.#partition, offset: offset ?? this.#nextProductOffset };
    this.#nextProductOffset = position.offset + 1;
    if (!this.#owns(event.customerId)) return;
    this.#tally.productEvents += 1;
    const order = stepOrder(this.#step, event.eventTime, stepRanks.product, position.offset);
    const loaded = await this.store.load([event.customerId]);
    const timerScope = this.#scopeOf(position.partition);
    const input = { partition: position.partition, firstOffset: position.offset, timerScopeOf: () => timerScope, detectedAt: this.#clock };
    const result = processProducts(loaded, [{ event, position }], input, this.#core);
    await this.#commit(result.writes, result.timers);
    this.countsOf(position.partition).refused += result.rejected.length;
    for (const { reason, detail } of result.rejected) await this.#emitDeadLetter({ reason, detail, offset: null, origin, ...this.#partitionTag(partition) }, order);
    await this.#publish(result.emissions, () => order);
    await this.#commit(result.settle, []);
    this.#nextDue = await this.#earliestDue();
  }

  /**
   * Profile updates of one instant, as the service handles a batch of the profiles topic: state and outbox stored
   * (the watch, the handover alert), profiles stored, alerts published, outbox settled. Detected at stream time.
   */
  async #applyProfileUpdates(profiles: readonly CustomerProfile[]): Promise<void> {
    if (profiles.length === 0) return;
    this.#options.signal?.throwIfAborted();
    const at = Math.max(this.#clock, ...profiles.map((profile) => profile.updatedAt));
    this.#clock = at;
    // ordered by each customer's place among all the updates of the instant, as one replay of everyone publishes them
    const placeOf = new Map<string, number>();
    profiles.forEach((profile, index) => placeOf.has(profile.customerId) || placeOf.set(profile.customerId, index));
    const owned = profiles.filter((profile) => this.#owns(profile.customerId));
    if (owned.length === 0) return;
    this.#tally.profileUpdates += owned.length;
    for (const profile of owned) this.#tally.knownRm(profile.rmId);
    const updates = owned.map((profile) => ({ customerId: profile.customerId, profile }));
    const loaded = await this.store.load(updates.map((update) => update.customerId));
    const result = processProfiles(loaded, updates, at, this.#core);
    await this.#commit(result.writes, []);
    await this.store.putProfiles(updates);
    await this.#publish(result.emissions, (alert) => stepOrder(this.#step, at, stepRanks.profileUpdate, placeOf.get(alert.customerId) ?? 0));
    await this.#commit(result.settle, []);
  }

  async #deliverOutcomes(all: readonly AlertOutcome[], streamTime: number): Promise<void> {
    const outcomes = all.filter((outcome) => this.#owns(outcome.customerId));
    if (outcomes.length === 0) return;
    for (const outcome of outcomes) this.#tally.outcome(outcome);
    await this.#options.onOutcomes?.(outcomes, { streamTime, store: this.store });
  }

  /** After the last record: the pending batch, then time runs on to the last event (and to `until`). */
  async finish(): Promise<void> {
    await this.#flush();
    this.#step = FINISH_STEP;
    const outcomes = this.#outcomes!;
    if (this.#clock > Number.NEGATIVE_INFINITY) await this.#advanceTo(this.#clock);
    const until = this.#options.until ?? null;
    if (until !== null) {
      // time runs on without events: each timer is judged when it falls due, as a live service would
      for (;;) {
        const next = this.#nextEvent();
        if (next > until) break;
        await this.#advanceTo(next);
      }
      if (until > this.#clock) this.#clock = until;
    }
    await this.#deliverOutcomes(await outcomes.takeUpTo(Number.POSITIVE_INFINITY), this.#clock);
  }

  async #commit(writes: readonly StateWrite[], timers: readonly TimerChange[]): Promise<void> {
    const { conflicts } = await this.store.commit(writes, timers);
    if (conflicts.length > 0) {
      throw new ReplayConflictError(`${conflicts.length} state write(s) refused (e.g. customer ${conflicts[0]}): another writer uses the replay's store`);
    }
  }

  async #publish(emissions: readonly Emission[], orderOf: (alert: Alert) => PublishOrder): Promise<void> {
    const onAlert = this.#options.onAlert;
    for (const { alert, feeds } of emissions) {
      const order = onAlert === undefined ? undefined : orderOf(alert);
      for (const feed of feeds) {
        const record: PublishedRecord = feed === 'campaign' ? { feed, alert: opportunityOf(alert) } : { feed, alert };
        this.#tally.published(feed, alert);
        const waiting = onAlert?.(record, order!);
        if (waiting !== undefined) await waiting;
      }
    }
  }

  /** A line of the profiles or a side input that could not be read: ordered where stream time stands now. */
  #rejectedOutsideStream(item: Rejected): Promise<void> | undefined {
    return this.#emitDeadLetter({ reason: item.reason, detail: item.detail, offset: null, origin: item.origin }, stepOrder(this.#step, this.#clock, stepRanks.unreadable, 0));
  }

  #emitDeadLetter(deadLetter: ReplayDeadLetter, order: PublishOrder): Promise<void> | undefined {
    this.#tally.deadLetter(deadLetter.reason);
    const waiting = this.#options.onDeadLetter?.(deadLetter, order);
    return waiting === undefined ? undefined : waiting;
  }

  async #earliestDue(): Promise<number> {
    let earliest = Number.POSITIVE_INFINITY;
    for (const timerScope of this.#scopes.values()) {
      const [first] = await this.store.dueTimers(timerScope, this.#options.timersDueBy ?? Number.POSITIVE_INFINITY, 1);
      if (first !== undefined && first.due < earliest) earliest = first.due;
    }
    return earliest;
  }
}
