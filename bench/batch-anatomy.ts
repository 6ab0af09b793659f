import kafkajs from 'kafkajs';
import type { Batch, KafkaMessage, PartitionMetadata, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import type { ServiceEnv } from '../src/config/env.ts';
import type { OutputRole } from '../src/adapters/kafka/publisher.ts';
import { AvroEncoder } from '../src/adapters/registry/avro-encoder.ts';
import type { TopicsByRole } from '../src/adapters/registry/schemas.ts';
import { profileKey, stateKey } from '../src/adapters/redis/keys.ts';
import { createRedis } from '../src/adapters/redis/client.ts';
import { RedisStateStore, decodeStoredState, encodeStoredState } from '../src/adapters/redis/state-store.ts';
import { businessCalendar } from '../src/core/calendar.ts';
import { processTransactions } from '../src/core/processor.ts';
import type { CoreContext, TransactionRecord } from '../src/core/processor.ts';
import { loadRules } from '../src/core/rules.ts';
import type { Transaction } from '../src/domain/transaction.ts';
import { createMetrics } from '../src/observability/metrics.ts';
import { DeferredSettles } from '../src/service/deferred-settles.ts';
import { OwnedPartitions } from '../src/service/owned-partitions.ts';
import { PartitionClocks } from '../src/service/partition-clocks.ts';
import { handleTransactionBatches, timerScopeOf } from '../src/service/pipeline.ts';
import type { PipelineDeps } from '../src/service/pipeline.ts';
import { fakeBatch } from './fake-batch.ts';
import { PARTITIONS } from './kafka.ts';
import type { LiveTraffic } from './live-traffic.ts';
import type { AvroTarget } from './produce.ts';
import { mean } from './stats.ts';
import { PhaseClock, TimedDecoder, TimedStore, timedEncoder, timedProducer } from './timed-deps.ts';
import type { Phase } from './timed-deps.ts';

/** Batch sizes looked at, and how many batches of each (small batches vary more). */
const PLAN: ReadonlyArray<{ size: number; batches: number }> = [
  { size: 50, batches: 20 },
  { size: 350, batches: 6 },
  { size: 2_000, batches: 3 },
];
const COLD_BATCH_SIZE = 2_000;
/** Far beyond any offset the service applied, so that no record counts as already applied. */
const FIRST_OFFSET = 1_000_000_000;
const PARTITION = 0;

export interface AnatomyRow {
  label: string;
  records: number;
  batches: number;
  customersPerBatch: number;
  /** Mean wall time per batch, by phase; `other` is the rest: validation, the core, metrics. */
  phasesMs: Record<Phase | 'other' | 'total', number>;
  microsecondsPerRecord: number;
  /** The bench process's CPU (user + system, every thread: GC helpers too) during the handler, per record: unlike the wall times, hardly moved by what else the machine runs. */
  cpuMicrosecondsPerRecord: number;
  /** Measured beside the batch, per customer or record (µs): what the phases are made of. */
  coreUsPerRecord: number;
  stateDecodeUsPerCustomer: number;
  stateEncodeUsPerCustomer: number;
  stateCloneUsPerCustomer: number;
}

export interface AnatomySetup {
  env: ServiceEnv;
  /** The bench's own Redis client, to copy the service's customer keys next to the measured ones. */
  redis: Redis;
  producer: Producer;
  target: AvroTarget;
  traffic: LiveTraffic;
  /** Under the run's prefix, so that the run's cleanup removes it. */
  prefix: string;
}

/**
 * Runs the service's own batch handler (src/service/pipeline.ts) on live-like batches of one partition, with its
 * adapters timed: decode, Redis load, Redis commit, alert encoding, Kafka send, and the rest (core, validation).
 * The customers' states are copies of the service's, taken after the latency phase, under a prefix of their own.
 */
export async function measureBatchAnatomy(setup: AnatomySetup): Promise<AnatomyRow[]> {
  const { env } = setup;
  const rules = loadRules(env.TIDEWATCH_RULES_FILE);
  const core: CoreContext = { rules, calendar: businessCalendar(rules.timeZone), unassignedQueue: env.TIDEWATCH_UNASSIGNED_QUEUE };
  const clock = new PhaseClock();
  const client = createRedis(env.REDIS_URL, pino({ level: 'silent' }));
  await client.connect();
  const store = new TimedStore(new RedisStateStore(client, { prefix: setup.prefix, stateTtlSeconds: env.TIDEWATCH_STATE_TTL_DAYS * 86_400 }), clock);
  try {
    const outputs: TopicsByRole<OutputRole> = {
      rmAlerts: env.TIDEWATCH_TOPIC_RM_ALERTS,
      rmRoutine: env.TIDEWATCH_TOPIC_RM_ROUTINE,
      risk: env.TIDEWATCH_TOPIC_RISK,
      campaign: env.TIDEWATCH_TOPIC_CAMPAIGN,
      deadLetter: env.TIDEWATCH_TOPIC_DEAD_LETTER,
    };
    // the partition owned as the service owns it: its customers stay in memory from one batch to the next
    const owned = new OwnedPartitions(store, { scopeOf: (partition) => timerScopeOf(env.TIDEWATCH_TOPIC_TRANSACTIONS, partition), maxCustomers: env.TIDEWATCH_STATE_CACHE_CUSTOMERS });
    owned.assigned(new Set([PARTITION]));
    const deps: PipelineDeps = {
      core,
      store,
      owned,
      decoder: new TimedDecoder(env.SCHEMA_REGISTRY_URL, clock),
      encoder: timedEncoder(await AvroEncoder.connect(env.SCHEMA_REGISTRY_URL, outputs, { register: false }), clock),
      producer: timedProducer(setup.producer, clock),
      topics: { ...outputs, transactions: env.TIDEWATCH_TOPIC_TRANSACTIONS, profiles: env.TIDEWATCH_TOPIC_PROFILES, outcomes: env.TIDEWATCH_TOPIC_OUTCOMES, products: env.TIDEWATCH_TOPIC_PRODUCTS, rmDigests: env.TIDEWATCH_TOPIC_RM_DIGESTS, audit: env.TIDEWATCH_TOPIC_AUDIT },
      metrics: createMetrics(),
      clocks: new PartitionClocks(),
      settles: new DeferredSettles(),
      clock: Date.now,
    };
    const batches = new BatchMaker(setup, env.TIDEWATCH_REDIS_PREFIX);
    const rows: AnatomyRow[] = [];
    // the first batch meets a decoder that has not seen the schema yet, as a freshly started service does
    rows.push(await measureRow(`${COLD_BATCH_SIZE} (cold decoder)`, [await batches.next(COLD_BATCH_SIZE)], deps, store, clock, core));
    for (const { size, batches: count } of PLAN) {
      const prepared: PreparedBatch[] = [];
      for (let index = 0; index < count; index += 1) prepared.push(await batches.next(size));
      rows.push(await measureRow(String(size), prepared, deps, store, clock, core));
    }
    return rows;
  } finally {
    await store.close();
  }
}

interface PreparedBatch {
  batch: Batch;
  records: TransactionRecord[];
  customers: number;
}

async function measureRow(label: string, prepared: readonly PreparedBatch[], deps: PipelineDeps, store: TimedStore, clock: PhaseClock, core: CoreContext): Promise<AnatomyRow> {
  const phases: Array<Record<Phase | 'other' | 'total', number>> = [];
  const side = { core: [] as number[], decode: [] as number[], encode: [] as number[], clone: [] as number[] };
  let records = 0;
  let cpuMicroseconds = 0;
  for (const { batch, records: batchRecords } of prepared) {
    clock.take();
    const startedAt = performance.now();
    const cpuBefore = process.cpuUsage();
    await handleTransactionBatches(deps, [batch]);
    const cpu = process.cpuUsage(cpuBefore);
    cpuMicroseconds += cpu.user + cpu.system;
    const total = performance.now() - startedAt;
    const timed = clock.take();
    const accounted = Object.values(timed).reduce((sum, milliseconds) => sum + milliseconds, 0);
    phases.push({ ...timed, other: total - accounted, total });
    records += batchRecords.length;
    sideMeasures(store, batchRecords, batch, core, side);
  }
  const meanOf = (phase: Phase | 'other' | 'total') => mean(phases.map((entry) => entry[phase]));
  const totalMs = phases.reduce((sum, entry) => sum + entry.total, 0);
  return {
    label,
    records,
    batches: prepared.length,
    customersPerBatch: mean(prepared.map((entry) => entry.customers)),
    phasesMs: { decode: meanOf('decode'), load: meanOf('load'), commit: meanOf('commit'), alertEncode: meanOf('alertEncode'), send: meanOf('send'), other: meanOf('other'), total: meanOf('total') },
    microsecondsPerRecord: (1000 * totalMs) / records,
    cpuMicrosecondsPerRecord: cpuMicroseconds / records,
    coreUsPerRecord: mean(side.core),
    stateDecodeUsPerCustomer: mean(side.decode),
    stateEncodeUsPerCustomer: mean(side.encode),
    stateCloneUsPerCustomer: mean(side.clone),
  };
}

/** Times the pieces again on the batch's own data, outside the batch: the core alone, and a state's codec and clone. */
function sideMeasures(store: TimedStore, records: readonly TransactionRecord[], batch: Batch, core: CoreContext, side: Record<'core' | 'decode' | 'encode' | 'clone', number[]>): void {
  // copies: the core updates states in place, and the ones the batch read from Redis are now the partition's cache
  const loaded = new Map([...store.lastLoaded].map(([customerId, customer]) => [customerId, { ...customer, state: structuredClone(customer.state) }]));
  const input = { partition: batch.partition, firstOffset: Number(batch.firstOffset()), timerScope: timerScopeOf(batch.topic, batch.partition), detectedAt: Date.now() };
  const coreStart = performance.now();
  processTransactions(loaded, records, input, core);
  side.core.push((1000 * (performance.now() - coreStart)) / records.length);
  for (const write of store.lastWrites) {
    const encodeStart = performance.now();
    const stored = encodeStoredState(write.state);
    side.encode.push(1000 * (performance.now() - encodeStart));
    const decodeStart = performance.now();
    decodeStoredState('(anatomy)', stored);
    side.decode.push(1000 * (performance.now() - decodeStart));
  }
  for (const customer of store.lastLoaded.values()) {
    if (customer.state === undefined) continue;
    const cloneStart = performance.now();
    structuredClone(customer.state);
    side.clone.push(1000 * (performance.now() - cloneStart));
  }
}

/** Live-like batches of one partition, Avro-encoded as they would arrive, for customers whose keys it has copied. */
class BatchMaker {
  readonly #setup: AnatomySetup;
  readonly #servicePrefix: string;
  readonly #copied = new Set<string>();
  readonly #partitioner = kafkajs.Partitioners.DefaultPartitioner();
  readonly #partitionMetadata: PartitionMetadata[] = Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 0, replicas: [0], isr: [0] }));
  #offset = FIRST_OFFSET;

  constructor(setup: AnatomySetup, servicePrefix: string) {
    this.#setup = setup;
    this.#servicePrefix = servicePrefix;
  }

  async next(size: number): Promise<PreparedBatch> {
    const transactions: Transaction[] = [];
    while (transactions.length < size) {
      const { transaction } = this.#setup.traffic.next(Date.now());
      if (this.#partitionOf(transaction.customerId) === PARTITION) transactions.push(transaction);
    }
    const customerIds = [...new Set(transactions.map((transaction) => transaction.customerId))];
    await this.#copyKeys(customerIds);
    const { registry, schemaId, topic } = this.#setup.target;
    const now = String(Date.now());
    const messages: KafkaMessage[] = [];
    const records: TransactionRecord[] = [];
    for (const transaction of transactions) {
      const offset = this.#offset;
      this.#offset += 1;
      messages.push({ key: Buffer.from(transaction.customerId), value: await registry.encode(schemaId, transaction), timestamp: now, attributes: 0, offset: String(offset), headers: {} });
      records.push({ transaction, position: { partition: PARTITION, offset } });
    }
    const first = String(records[0]?.position.offset ?? this.#offset);
    const last = String(this.#offset - 1);
    const batch = fakeBatch(topic, PARTITION, messages, { first, last, highWatermark: this.#offset });
    return { batch, records, customers: customerIds.length };
  }

  #partitionOf(customerId: string): number {
    return this.#partitioner({ topic: this.#setup.target.topic, partitionMetadata: this.#partitionMetadata, message: { key: customerId, value: null } });
  }

  /** The service's state and profile of each customer, copied under the anatomy's prefix (once per customer). */
  async #copyKeys(customerIds: readonly string[]): Promise<void> {
    const fresh = customerIds.filter((id) => !this.#copied.has(id));
    if (fresh.length === 0) return;
    const { redis, prefix } = this.#setup;
    const read = redis.pipeline();
    for (const id of fresh) read.getBuffer(stateKey(this.#servicePrefix, id)).getBuffer(profileKey(this.#servicePrefix, id));
    const replies = (await read.exec()) ?? [];
    const write = redis.pipeline();
    fresh.forEach((id, index) => {
      const state = replies[2 * index]?.[1];
      const profile = replies[2 * index + 1]?.[1];
      if (Buffer.isBuffer(state)) write.set(stateKey(prefix, id), state);
      if (Buffer.isBuffer(profile)) write.set(profileKey(prefix, id), profile);
      this.#copied.add(id);
    });
    await write.exec();
  }
}
