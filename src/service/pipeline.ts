import type { Batch, KafkaMessage, Producer } from 'kafkajs';
import type { OutputRole } from '../adapters/kafka/publisher.ts';
import { publish } from '../adapters/kafka/publisher.ts';
import type { AvroDecoder } from '../adapters/registry/avro-decoder.ts';
import type { AvroEncoder } from '../adapters/registry/avro-encoder.ts';
import type { TopicsByRole } from '../adapters/registry/schemas.ts';
import { householdsForTransactions, householdsOfCustomers } from '../core/household.ts';
import { processOutcomes } from '../core/outcomes.ts';
import { processTimers, processTransactions } from '../core/processor.ts';
import { processProducts } from '../core/products.ts';
import type { ProductRecord } from '../core/products.ts';
import { processProfiles } from '../core/profiles.ts';
import type { CoreContext, TransactionRecord } from '../core/processor.ts';
import type { Emission } from '../core/state.ts';
import { outcomeSchema } from '../domain/outcome.ts';
import type { Outcome } from '../domain/outcome.ts';
import { productEventSchema } from '../domain/product-event.ts';
import { customerProfileSchema } from '../domain/profile.ts';
import type { CustomerProfile } from '../domain/profile.ts';
import { transactionOfKnownShape, transactionSchema } from '../domain/transaction.ts';
import type { Metrics } from '../observability/metrics.ts';
import { inSpan, spanKinds } from '../observability/tracing.ts';
import { deadLetterOf } from '../pipeline/dead-letter.ts';
import type { DeadLetter, SourceRecord } from '../pipeline/dead-letter.ts';
import { admit, admitKnown, eventTimeProblem, transactionProblem } from '../pipeline/ingest.ts';
import { readHouseholds } from '../state/households.ts';
import type { LoadedCustomer, StateStore, StateWrite, TimerChange, WatermarkChange } from '../state/store.ts';
import { crashPoint, stallPoint } from './crash-hook.ts';
import type { DeferredSettles } from './deferred-settles.ts';
import type { OwnedPartitions, OwnedWrite } from './owned-partitions.ts';
import type { PartitionClocks } from './partition-clocks.ts';

/** The adapters around the core, as one batch sees them. */
export interface PipelineDeps {
  core: CoreContext;
  /** Redis itself: households, profiles, timers, watermarks (read and written as they are). */
  store: StateStore;
  /** The owned partitions' customers: kept in memory between units, written through to `store`, fenced per partition. */
  owned: OwnedPartitions;
  decoder: AvroDecoder;
  encoder: AvroEncoder<OutputRole>;
  producer: Producer;
  topics: TopicsByRole;
  metrics: Metrics;
  clocks: PartitionClocks;
  /** Outbox settles of delivered transaction batches, sent with the next write of their partition. */
  settles: DeferredSettles;
  /** Wall clock (UTC millis); injectable so that tests can move time. */
  clock: () => number;
}

/** Timers live with the partition of the transactions topic the customer's records arrive on. */
export const timerScopeOf = (topic: string, partition: number) => `${topic}:${partition}`;

export class StateConflictError extends Error {
  override readonly name = 'StateConflictError';
}

const sourceOf = (batch: Batch, message: KafkaMessage): SourceRecord => ({
  topic: batch.topic,
  partition: batch.partition,
  offset: message.offset,
  key: message.key,
  value: message.value,
  headers: message.headers,
});

async function counted<T>(work: () => Promise<T>, errors: Metrics['redisErrors']): Promise<T> {
  try {
    return await work();
  } catch (error) {
    errors.inc();
    throw error;
  }
}

async function storeCall<T>(deps: PipelineDeps, work: () => Promise<T>): Promise<T> {
  const before = deps.store.roundTrips;
  try {
    return await counted(work, deps.metrics.redisErrors);
  } finally {
    deps.metrics.redisRoundTrips.inc(deps.store.roundTrips - before);
  }
}

async function publishAll(deps: PipelineDeps, emissions: readonly Emission[], deadLetters: readonly DeadLetter[]): Promise<void> {
  // traced as one produce per batch (counts only), a child of the batch's consume span
  const counts = { 'messaging.system': 'kafka', 'tidewatch.alerts': emissions.length, 'tidewatch.dead_letters': deadLetters.length };
  const published = await inSpan('tidewatch produce', spanKinds.producer, counts, () =>
    counted(() => publish(deps.producer, deps.encoder, deps.topics, emissions, deadLetters), deps.metrics.producerErrors),
  );
  for (const { feed, alert } of published.alerts) {
    deps.metrics.alerts.inc({ feed, kind: alert.kind, priority: alert.priority, tier: alert.tier ?? 'unknown' });
    // an overdrawn account's amount at stake can be below 0: a counter only counts money that left
    if (feed === 'risk') deps.metrics.riskOutflow.inc({ tier: alert.tier ?? 'unknown', counterparty_kind: alert.counterpartyKind ?? 'NONE' }, Math.max(0, alert.amountAtStakeMinor));
  }
  for (const deadLetter of deadLetters) deps.metrics.deadLetters.inc({ reason: deadLetter.record.reason });
}

/** A unit's writes for one partition, with the profiles the cache keeps beside the states once they are stored. */
function ownedWrites(writes: readonly StateWrite[], partition: number, loaded: ReadonlyMap<string, LoadedCustomer>): OwnedWrite[] {
  // spelled out rather than spread: one per customer of every unit, and a literal of fixed shape is the cheaper copy
  return writes.map(({ customerId, expectedRev, state }) => ({ customerId, expectedRev, state, partition, profile: loaded.get(customerId)?.profile }));
}

/** Household members' partitions' watermarks come from the store, by timer scope. */
const watermarksOf = (deps: PipelineDeps) => ({ scopeOf: (partition: number) => timerScopeOf(deps.topics.transactions, partition) });

/**
 * Each partition of the unit has passed the day before its latest record (input in event-time order per partition;
 * a record later than that is late, which the lateness window covers): written with the states (core/household.ts).
 */
function passedDays(deps: PipelineDeps, admitted: readonly AdmittedBatch[]): WatermarkChange[] {
  return admitted.flatMap(({ batch, records }) => {
    if (records.length === 0) return [];
    const latest = records.reduce((max, record) => Math.max(max, record.transaction.eventTime), Number.NEGATIVE_INFINITY);
    return [{ scope: timerScopeOf(batch.topic, batch.partition), day: deps.core.calendar.dayOf(latest) - 1 }];
  });
}

/**
 * Lets the event loop run between the partitions of a unit: a unit of six 2,000-record batches held it for the
 * whole of its validation and core work (hundreds of ms at saturation), so heartbeats, probes, scrapes and the
 * replies of other units' round trips waited behind it. The unit holds its partitions' locks meanwhile.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface AdmittedBatch {
  batch: Batch;
  records: TransactionRecord[];
  /** The admitted records' messages by offset: a dead letter the core asks for is made from its message then. */
  messages: Map<number, KafkaMessage>;
}

/**
 * Decodes and validates a batch; what cannot be used becomes a dead letter with its reason. A transaction of the
 * usual shape is checked by hand (transactionOfKnownShape), zod judges the rest; a record's source (for a dead
 * letter) is made only when one is written.
 */
async function admitBatch(deps: PipelineDeps, batch: Batch, now: number, deadLetters: DeadLetter[]): Promise<AdmittedBatch> {
  const records: TransactionRecord[] = [];
  const messages = new Map<number, KafkaMessage>();
  const batchMessages = batch.messages;
  const decoded = await deps.decoder.decodeAll(batchMessages.map((message) => message.value));
  const input = deps.core.rules.input;
  for (let index = 0; index < batchMessages.length; index += 1) {
    const message = batchMessages[index]!;
    const admission = admitKnown(decoded[index]!, transactionSchema, transactionOfKnownShape);
    if (!admission.admitted) {
      deadLetters.push(deadLetterOf(sourceOf(batch, message), admission.reason, admission.detail, now));
      continue;
    }
    const problem = transactionProblem(admission.value, now, input);
    if (problem !== undefined) {
      deadLetters.push(deadLetterOf(sourceOf(batch, message), 'invalid', problem, now));
      continue;
    }
    const offset = Number(message.offset);
    messages.set(offset, message);
    records.push({ transaction: admission.value, position: { partition: batch.partition, offset } });
  }
  return { batch, records, messages };
}

/**
 * The transaction batches of one fetch (one per partition), in the order that makes a crash anywhere harmless:
 * decode and validate, read the customers' state (one round trip for all partitions), run the core per
 * partition, store the new states with their outbox (one round trip, refused for any customer someone else
 * changed meanwhile), publish alerts and dead letters (one produce), and only then let the caller commit the
 * offsets. A crash before the store replays the batches from scratch; after it, the replayed records are
 * recognised as applied and the outbox re-sends the very same alerts.
 */
export async function handleTransactionBatches(deps: PipelineDeps, batches: readonly Batch[]): Promise<void> {
  const now = deps.clock();
  const deadLetters: DeadLetter[] = [];
  const admitted: AdmittedBatch[] = [];
  for (const batch of batches) {
    if (admitted.length > 0) await nextTurn();
    admitted.push(await admitBatch(deps, batch, now, deadLetters));
  }
  const partitions = admitted.map(({ batch }) => batch.partition);
  const fences = await storeCall(deps, () => deps.owned.claim(partitions));
  const customerIds = [...new Set(admitted.flatMap(({ records }) => records.map((record) => record.transaction.customerId)))];
  const loaded = await storeCall(deps, () => deps.owned.load(customerIds));
  const households = householdsForTransactions(loaded, admitted.flatMap(({ records }) => records), deps.core.rules, deps.core.calendar);
  await storeCall(deps, () => readHouseholds(deps.store, loaded, households, watermarksOf(deps)));

  const writes: OwnedWrite[] = [];
  const settles = new Map<number, OwnedWrite[]>();
  const timers: TimerChange[] = [];
  const emissions: Emission[] = [];
  let redelivered = 0;
  for (const [index, { batch, records, messages }] of admitted.entries()) {
    if (index > 0) await nextTurn();
    const timerScope = timerScopeOf(batch.topic, batch.partition);
    const input = { partition: batch.partition, firstOffset: Number(batch.firstOffset()), timerScope, detectedAt: now };
    const result = processTransactions(loaded, records, input, deps.core);
    writes.push(...ownedWrites(result.writes, batch.partition, loaded));
    settles.set(batch.partition, [...(settles.get(batch.partition) ?? []), ...ownedWrites(result.settle, batch.partition, loaded)]);
    for (const write of result.writes) {
      // a customer whose records came on two partitions (input not keyed by customer) is written twice, in order
      loaded.set(write.customerId, { rev: write.state.rev, state: write.state, profile: loaded.get(write.customerId)?.profile });
    }
    timers.push(...result.timers);
    emissions.push(...result.emissions);
    for (const rejection of result.rejected) {
      deadLetters.push(deadLetterOf(sourceOf(batch, messages.get(rejection.record.position.offset)!), rejection.reason, rejection.detail, now));
    }
    for (const [outcome, count] of Object.entries(result.outcomes)) if (count > 0) deps.metrics.transactionOutcomes.inc({ outcome }, count);
    if (result.balanceMismatches > 0) deps.metrics.balanceStampMismatches.inc(result.balanceMismatches);
    if (result.outcomes.already_applied > 0) redelivered += result.emissions.length;
  }

  // the previous units' settles of these partitions ride along, except for customers this unit rewrites anyway
  const deferred = deps.settles.take(partitions).filter((write) => !loaded.has(write.customerId));
  stallPoint('before-store'); // test only (crash-hook.ts): a stalled owner with its unit in hand
  const { conflicts } = await storeCall(deps, () => deps.owned.commit({ fences, writes: [...writes, ...deferred], timers, watermarks: passedDays(deps, admitted) }));
  deps.metrics.stateConflicts.inc(conflicts.length);
  const settled = new Set(deferred.map((write) => write.customerId));
  const refused = conflicts.filter((customerId) => !settled.has(customerId));
  if (refused.length > 0) {
    // another instance owns these customers now (or did while we worked): retry the batches from stored state
    throw new StateConflictError(`state of ${refused.length} customer(s) changed under this instance; retrying the batches`);
  }
  crashPoint('after-store'); // test only (crash-hook.ts)
  await publishAll(deps, emissions, deadLetters);
  crashPoint('after-publish'); // test only: published, offsets not yet committed
  // Delivered: the outboxes may be emptied, with the next write to Redis (see DeferredSettles)
  for (const [partition, written] of settles) deps.settles.add(partition, written);

  deps.metrics.redeliveredAlerts.inc(redelivered);
  const finished = deps.clock();
  for (const { batch, records } of admitted) {
    deps.metrics.recordsConsumed.inc({ topic: batch.topic, outcome: 'processed' }, records.length);
    deps.metrics.recordsConsumed.inc({ topic: batch.topic, outcome: 'dead_lettered' }, batch.messages.length - records.length);
    const latestEventTime = records.reduce((latest, record) => Math.max(latest, record.transaction.eventTime), Number.NEGATIVE_INFINITY);
    const caughtUp = BigInt(batch.lastOffset()) + 1n >= BigInt(batch.highWatermark);
    deps.clocks.observeBatch(batch.partition, latestEventTime, caughtUp);
    for (const message of batch.messages) deps.metrics.recordLatency.observe(Math.max(0, finished - Number(message.timestamp)) / 1000);
  }
}

/**
 * One batch of the compacted profile topic: the latest profile per customer goes to the store (a tombstone erases
 * the customer); a change of RM or an RM's departure puts a valuable customer on watch and tells the new RM (core:
 * processProfiles), in the same order as transactions: state and outbox stored, profiles stored, alerts published,
 * outbox settled. Invalid records go to the dead-letter topic.
 */
export async function handleProfileBatch(deps: PipelineDeps, batch: Batch): Promise<void> {
  const now = deps.clock();
  const deadLetters: DeadLetter[] = [];
  const latest = new Map<string, CustomerProfile | null>();
  const decoded = await deps.decoder.decodeAll(batch.messages.map((message) => message.value));
  batch.messages.forEach((message, index) => {
    const source = sourceOf(batch, message);
    if (message.value === null) {
      const customerId = message.key?.toString('utf8');
      if (customerId === undefined || customerId.length === 0) deadLetters.push(deadLetterOf(source, 'invalid', 'tombstone without a customer id key', now));
      else latest.set(customerId, null);
      return;
    }
    const admission = admit(decoded[index]!, customerProfileSchema);
    if (admission.admitted) latest.set(admission.value.customerId, admission.value);
    else deadLetters.push(deadLetterOf(source, admission.reason, admission.detail, now));
  });
  const updates = [...latest].map(([customerId, profile]) => ({ customerId, profile }));
  const partitions = [batch.partition];
  const fences = await storeCall(deps, () => deps.owned.claim(partitions));
  // taken out of memory and not put back: their profiles change below (read from Redis again next time)
  const loaded = await storeCall(deps, () => deps.owned.load(updates.map((update) => update.customerId)));
  const result = processProfiles(loaded, updates, now, deps.core);
  const { conflicts } = await storeCall(deps, () => deps.owned.commit({ fences, writes: ownedWrites(result.writes, batch.partition, loaded), remember: false }));
  if (conflicts.length > 0) {
    deps.metrics.stateConflicts.inc(conflicts.length);
    throw new StateConflictError(`state of ${conflicts.length} customer(s) changed while their profiles were read; retrying the batch`);
  }
  await storeCall(deps, () => deps.store.putProfiles(updates));
  await publishAll(deps, result.emissions, deadLetters);
  const settled = await storeCall(deps, () => deps.owned.commit({ fences, writes: ownedWrites(result.settle, batch.partition, loaded), remember: false }));
  deps.metrics.stateConflicts.inc(settled.conflicts.length);
  deps.metrics.recordsConsumed.inc({ topic: batch.topic, outcome: 'processed' }, batch.messages.length - deadLetters.length);
  deps.metrics.recordsConsumed.inc({ topic: batch.topic, outcome: 'dead_lettered' }, deadLetters.length);
}

/**
 * One batch of RM outcomes: "not interested" suppresses that kind for the customer (core: processOutcomes), every
 * outcome counts toward its alert kind's precision. A conflicting write fails the batch, which is retried.
 */
export async function handleOutcomeBatch(deps: PipelineDeps, batch: Batch): Promise<void> {
  const now = deps.clock();
  const deadLetters: DeadLetter[] = [];
  const outcomes: Outcome[] = [];
  const decoded = await deps.decoder.decodeAll(batch.messages.map((message) => message.value));
  batch.messages.forEach((message, index) => {
    const admission = admit(decoded[index]!, outcomeSchema);
    if (admission.admitted) outcomes.push(admission.value);
    else deadLetters.push(deadLetterOf(sourceOf(batch, message), admission.reason, admission.detail, now));
  });
  const partitions = [batch.partition];
  const fences = await storeCall(deps, () => deps.owned.claim(partitions));
  const loaded = await storeCall(deps, () => deps.owned.load(outcomes.map((outcome) => outcome.customerId)));
  const writes = ownedWrites(processOutcomes(loaded, outcomes, deps.core.rules), batch.partition, loaded);
  const { conflicts } = await storeCall(deps, () => deps.owned.commit({ fences, writes }));
  if (conflicts.length > 0) {
    deps.metrics.stateConflicts.inc(conflicts.length);
    throw new StateConflictError(`state of ${conflicts.length} customer(s) changed while outcomes were applied; retrying the batch`);
  }
  await publishAll(deps, [], deadLetters);
  for (const outcome of outcomes) deps.metrics.outcomes.inc({ kind: outcome.kind, outcome: outcome.outcome });
  await refreshPrecision(deps, new Set(outcomes.map((outcome) => outcome.kind)));
  deps.metrics.recordsConsumed.inc({ topic: batch.topic, outcome: 'processed' }, outcomes.length);
  deps.metrics.recordsConsumed.inc({ topic: batch.topic, outcome: 'dead_lettered' }, deadLetters.length);
}

/**
 * One batch of product events (time deposits, wealth products): decoded and validated (bad ones, ones not keyed by
 * their customer id and ones in another currency go to the dead-letter topic), then through the core
 * (processProducts: maturities remembered, one inside its notice window told at once, the customer's timer moved to
 * the day the next window opens), in the order that makes a crash harmless: state, outbox and timer stored, alerts
 * published, outbox settled. The caller holds the lock of the partition, which is the customer's transactions
 * partition too (the topics are co-partitioned), so a timer sweep cannot move the timer under it.
 */
export async function handleProductBatch(deps: PipelineDeps, batch: Batch): Promise<void> {
  const now = deps.clock();
  const deadLetters: DeadLetter[] = [];
  const records: ProductRecord[] = [];
  const sources = new Map<number, SourceRecord>();
  const decoded = await deps.decoder.decodeAll(batch.messages.map((message) => message.value));
  batch.messages.forEach((message, index) => {
    const source = sourceOf(batch, message);
    const admission = admit(decoded[index]!, productEventSchema);
    if (!admission.admitted) {
      deadLetters.push(deadLetterOf(source, admission.reason, admission.detail, now));
      return;
    }
    const event = admission.value;
    const problem =
      message.key?.toString('utf8') !== event.customerId
        ? 'the record key is not its customerId: product events must be keyed by customer id, co-partitioned with transactions'
        : eventTimeProblem(event.eventTime, now, deps.core.rules.input);
    if (problem !== undefined) {
      deadLetters.push(deadLetterOf(source, 'invalid', problem, now));
      return;
    }
    const offset = Number(message.offset);
    sources.set(offset, source);
    records.push({ event, position: { partition: batch.partition, offset } });
  });
  const partitions = [batch.partition];
  const fences = await storeCall(deps, () => deps.owned.claim(partitions));
  const loaded = await storeCall(deps, () => deps.owned.load(records.map((record) => record.event.customerId)));
  const input = {
    partition: batch.partition,
    firstOffset: Number(batch.firstOffset()),
    timerScopeOf: (partition: number) => timerScopeOf(deps.topics.transactions, partition),
    detectedAt: now,
  };
  const result = processProducts(loaded, records, input, deps.core);
  for (const rejection of result.rejected) {
    deadLetters.push(deadLetterOf(sources.get(rejection.record.position.offset)!, rejection.reason, rejection.detail, now));
  }
  const { conflicts } = await storeCall(deps, () => deps.owned.commit({ fences, writes: ownedWrites(result.writes, batch.partition, loaded), timers: result.timers }));
  if (conflicts.length > 0) {
    deps.metrics.stateConflicts.inc(conflicts.length);
    throw new StateConflictError(`state of ${conflicts.length} customer(s) changed while product events were applied; retrying the batch`);
  }
  await publishAll(deps, result.emissions, deadLetters);
  const settled = await storeCall(deps, () => deps.owned.commit({ fences, writes: ownedWrites(result.settle, batch.partition, loaded) }));
  deps.metrics.stateConflicts.inc(settled.conflicts.length);
  if (result.outcomes.already_applied > 0) deps.metrics.redeliveredAlerts.inc(result.emissions.length);
  for (const [outcome, count] of Object.entries(result.outcomes)) if (count > 0) deps.metrics.productEvents.inc({ outcome }, count);
  deps.metrics.recordsConsumed.inc({ topic: batch.topic, outcome: 'processed' }, records.length);
  deps.metrics.recordsConsumed.inc({ topic: batch.topic, outcome: 'dead_lettered' }, batch.messages.length - records.length);
}

/** Precision per kind: outcomes that were not a false alarm, over all outcomes recorded for that kind. */
async function refreshPrecision(deps: PipelineDeps, kinds: ReadonlySet<string>): Promise<void> {
  const values = (await deps.metrics.outcomes.get()).values;
  for (const kind of kinds) {
    const ofKind = values.filter((value) => value.labels.kind === kind);
    const total = ofKind.reduce((sum, value) => sum + value.value, 0);
    const falseAlarms = ofKind.filter((value) => value.labels.outcome === 'FALSE_ALARM').reduce((sum, value) => sum + value.value, 0);
    if (total > 0) deps.metrics.rulePrecision.set({ kind }, (total - falseAlarms) / total);
  }
}

const TIMERS_PER_ROUND = 500;
const MAX_ROUNDS_PER_SWEEP = 20;

/**
 * Fires the due timers of one owned partition: store the new dormancy stage with its alerts, publish them, then
 * settle (empty the outbox, move each timer to its next due time). A crash before settling leaves the timer due,
 * and the next sweep re-sends the stored alerts instead of computing new ones.
 */
export async function sweepTimers(deps: PipelineDeps, partition: number, now: number): Promise<number> {
  const timerScope = timerScopeOf(deps.topics.transactions, partition);
  const partitions = [partition];
  const fences = await storeCall(deps, () => deps.owned.claim(partitions));
  // a partition with no batch since its last one: its settles go now, before its timers read those customers
  const deferred = deps.settles.take(partitions);
  // the partition has passed the day before `now` (its stream time, or the wall clock once caught up): a partition
  // without records must not hold its household members' tiers for ever (core/household.ts)
  const passed = [{ scope: timerScope, day: deps.core.calendar.dayOf(now) - 1 }];
  deps.metrics.stateConflicts.inc((await storeCall(deps, () => deps.owned.commit({ fences, writes: deferred, watermarks: passed }))).conflicts.length);
  let fired = 0;
  for (let round = 0; round < MAX_ROUNDS_PER_SWEEP; round += 1) {
    const due = await storeCall(deps, () => deps.store.dueTimers(timerScope, now, TIMERS_PER_ROUND));
    if (due.length === 0) return fired;
    const loaded = await storeCall(deps, () => deps.owned.load(due.map((timer) => timer.customerId)));
    await storeCall(deps, () => readHouseholds(deps.store, loaded, householdsOfCustomers(loaded, deps.core.rules), watermarksOf(deps)));
    const result = processTimers(loaded, due, { timerScope, now, detectedAt: deps.clock() }, deps.core);
    const { conflicts } = await storeCall(deps, () => deps.owned.commit({ fences, writes: ownedWrites(result.writes, partition, loaded) }));
    const lost = new Set(conflicts);
    deps.metrics.stateConflicts.inc(conflicts.length);
    await publishAll(deps, result.emissions.filter((emission) => !lost.has(emission.alert.customerId)), []);
    const settleWrites = result.settle.writes.filter((write) => !lost.has(write.customerId));
    const settleTimers = result.settle.timers.filter((timer) => !lost.has(timer.customerId));
    const settled = await storeCall(deps, () => deps.owned.commit({ fences, writes: ownedWrites(settleWrites, partition, loaded), timers: settleTimers }));
    deps.metrics.stateConflicts.inc(settled.conflicts.length);
    const alerted = new Set(result.emissions.map((emission) => emission.alert.customerId));
    for (const timer of due) {
      const outcome = lost.has(timer.customerId) ? 'conflict' : alerted.has(timer.customerId) ? 'alerted' : 'rescheduled';
      deps.metrics.timersFired.inc({ outcome });
    }
    fired += due.length;
    // a timer that did not move (conflict) would come back at once: leave it to the next sweep
    if (due.length < TIMERS_PER_ROUND || lost.size > 0) return fired;
  }
  return fired;
}
