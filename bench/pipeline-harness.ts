/**
 * A deterministic harness of the live service's unit of work (issue 12 item 4): src/service/pipeline.ts's
 * handleTransactionBatches and all it calls (Avro decoding, admission, the owned partitions' memory, the core, the
 * Redis adapter's client side with the state codec, alert encoding, the publisher, metrics), with no network: the
 * registry client's cache holds the schemas, Redis is bench/fake-redis.ts (RedisStateStore's commands in memory), the
 * producer hashes what it is handed. For instruction counts under `valgrind --tool=cachegrind node --predictable`,
 * which the machine's load does not move (wall clock on the shared 2-core machine does).
 *
 *   node --import tsx bench/pipeline-harness.ts make <file> [units]
 *     the live bench's data set (its defaults: seed 20261123, 20,000 customers, 300,000 postings over 120 days) run
 *     through the pipeline as the service's saturation phase runs it, for partition 0 of six (murmur2 on the customer
 *     id, as the producer places them), then `units` (default 100) units of 2,000 live records of partition 0 (the
 *     live bench's traffic at 5,000/s, Avro-framed); written to <file> as JSON: the fake Redis's keys and the units.
 *   node [--predictable] --import tsx bench/pipeline-harness.ts run <file> <units>
 *     loads the keys, puts every customer of the partition in the owned memory (read and written once, as the
 *     saturation phase leaves them), then handles the first `units` units of the file, one unit of work each, as the
 *     live service does. Prints the records, alerts and writes, and SHA-256 of what the producer received and of what
 *     the fake Redis holds at the end: a change of the code must leave both unchanged. Run it at two unit counts:
 *     (count at 100 − count at 50) / (50 × 2,000) is the instructions of one live record (make <file> 100). Not fewer
 *     units: the first tens of units carry V8 compiling and recompiling the hot functions (on the main thread under
 *     --predictable), and a code change moves when that happens, so differences over 20 units moved by ±10 % between
 *     two versions of the code whose counts over the whole run differed by 2 %.
 *   HARNESS_CPU_PROFILE=<out.cpuprofile> node [--import tsx] bench/pipeline-harness.ts run <file> <units>
 *     the same, with a CPU profile (node:inspector, 100 µs sampling) of the units alone, set-up left out; summarise it
 *     with bench/profile-summary.ts.
 *   npx tsc -p bench/tsconfig.harness.json && ln -sfn "$PWD/rules" .harness-build/rules && ln -sfn "$PWD/avro" .harness-build/avro
 *     compiles the harness and the sources it runs to .harness-build/ (as `npm run build` compiles dist/, which the
 *     service runs in production: no tsx, whose per-module wrapping also moves the counts); then run
 *     `node [--predictable] .harness-build/bench/pipeline-harness.js run <file> <units>` instead.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import kafkajs from 'kafkajs';
import type { Batch, KafkaMessage, PartitionMetadata, Producer } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { OutputRole } from '../src/adapters/kafka/publisher.ts';
import { AvroDecoder } from '../src/adapters/registry/avro-decoder.ts';
import { AvroEncoder } from '../src/adapters/registry/avro-encoder.ts';
import { readAvsc, schemaCatalog, topicsUnder } from '../src/adapters/registry/schemas.ts';
import { RedisStateStore } from '../src/adapters/redis/state-store.ts';
import { businessCalendar } from '../src/core/calendar.ts';
import type { CoreContext } from '../src/core/processor.ts';
import { loadRules } from '../src/core/rules.ts';
import type { Transaction } from '../src/domain/transaction.ts';
import { createMetrics } from '../src/observability/metrics.ts';
import { DeferredSettles } from '../src/service/deferred-settles.ts';
import { OwnedPartitions } from '../src/service/owned-partitions.ts';
import type { OwnedWrite } from '../src/service/owned-partitions.ts';
import { PartitionClocks } from '../src/service/partition-clocks.ts';
import { handleTransactionBatches, timerScopeOf } from '../src/service/pipeline.ts';
import type { PipelineDeps } from '../src/service/pipeline.ts';
import { generateDataSet, historyChunks } from './dataset.ts';
import { fakeBatch } from './fake-batch.ts';
import { FakeRedis } from './fake-redis.ts';
import type { FakeRedisDump } from './fake-redis.ts';
import { LiveTraffic } from './live-traffic.ts';

const PARTITION = 0;
const PARTITIONS = 6;
const UNIT_RECORDS = 2_000;
const PREFIX = 'tw:';
/** A fixed "now" (the data set ends 10 minutes before it), so that every make writes the same file. */
const NOW = Date.parse('2026-12-07T10:00:00Z');
const LIVE_RATE_PER_SECOND = 5_000;
/** How long after its last record's event time a unit is handled (the service's clock at the unit). */
const HANDLED_AFTER_MS = 20;
const TRANSACTION_SCHEMA_ID = 1;
const OUTPUT_SCHEMA_IDS: Readonly<Record<OutputRole, number>> = { rmAlerts: 2, rmRoutine: 2, risk: 2, campaign: 3, deadLetter: 4 };

interface FixtureMessage {
  key: string;
  /** Avro, Confluent-framed, base64. */
  value: string;
  offset: number;
  timestamp: number;
}

interface Fixture {
  topic: string;
  redis: FakeRedisDump;
  /** Offsets the history took on the partition: the live units continue after them. */
  historyRecords: number;
  units: FixtureMessage[][];
}

/** The registry client with every schema the unit uses already in its cache: no request is ever made. */
function offlineRegistry(): SchemaRegistry {
  const registry = new SchemaRegistry({ host: 'http://registry.invalid' });
  const schemas: Array<[number, string]> = [
    [TRANSACTION_SCHEMA_ID, schemaCatalog.transactions.avscFile],
    [OUTPUT_SCHEMA_IDS.rmAlerts, schemaCatalog.rmAlerts.avscFile],
    [OUTPUT_SCHEMA_IDS.campaign, schemaCatalog.campaign.avscFile],
    [OUTPUT_SCHEMA_IDS.deadLetter, schemaCatalog.deadLetter.avscFile],
  ];
  for (const [id, avscFile] of schemas) registry.cache.setSchema(id, SchemaType.AVRO, avro.Type.forSchema(JSON.parse(readAvsc(avscFile)) as avro.Schema));
  return registry;
}

/** The producer's side of Kafka: every message handed to it, in order, into one hash. */
class HashingProducer {
  readonly #hash = createHash('sha256');
  messages = 0;

  asProducer(): Producer {
    const sendBatch: Producer['sendBatch'] = async ({ topicMessages }) => {
      for (const { topic, messages } of topicMessages ?? []) {
        for (const message of messages) {
          this.messages += 1;
          this.#hash.update(`${topic}\u0000${String(message.key)}\u0000`);
          if (Buffer.isBuffer(message.value)) this.#hash.update(message.value);
          this.#hash.update(JSON.stringify(message.headers ?? {}));
        }
      }
      return [];
    };
    return { sendBatch } as unknown as Producer;
  }

  digest(): string {
    return this.#hash.digest('hex');
  }
}

interface Harness {
  deps: PipelineDeps;
  /** Customers handed to units (each one a state write of its unit, in the live path). */
  writes: { count: number };
  redis: FakeRedis;
  producer: HashingProducer;
  owned: OwnedPartitions;
  setClock(now: number): void;
}

function harness(topic: string): Harness {
  const rules = loadRules(fileURLToPath(new URL('../rules/default.yaml', import.meta.url)));
  const core: CoreContext = { rules, calendar: businessCalendar(rules.timeZone), unassignedQueue: 'UNASSIGNED' };
  const redis = new FakeRedis();
  const store = new RedisStateStore(redis.client(), { prefix: PREFIX, stateTtlSeconds: 90 * 86_400 });
  const writes = { count: 0 };
  const owned = new OwnedPartitions(store, {
    scopeOf: (partition) => timerScopeOf(topic, partition),
    maxCustomers: 20_000,
    onLoaded: (fromMemory, fromRedis) => (writes.count += fromMemory + fromRedis),
  });
  owned.assigned(new Set([PARTITION]));
  const registry = offlineRegistry();
  const producer = new HashingProducer();
  const topics = { ...topicsUnder('harness'), transactions: topic };
  let now = NOW;
  const deps: PipelineDeps = {
    core,
    store,
    owned,
    decoder: new AvroDecoder(registry),
    encoder: new AvroEncoder<OutputRole>(registry, OUTPUT_SCHEMA_IDS),
    producer: producer.asProducer(),
    topics,
    metrics: createMetrics(),
    clocks: new PartitionClocks(),
    settles: new DeferredSettles(),
    clock: () => now,
  };
  return { deps, writes, redis, producer, owned, setClock: (at) => (now = at) };
}

function batchOf(topic: string, messages: KafkaMessage[], highWatermark: number): Batch {
  const first = messages[0]?.offset ?? String(highWatermark);
  const last = messages.at(-1)?.offset ?? String(highWatermark - 1);
  return fakeBatch(topic, PARTITION, messages, { first, last, highWatermark });
}

const messageOf = ({ key, value, offset, timestamp }: FixtureMessage): KafkaMessage => ({
  key: Buffer.from(key),
  value: Buffer.from(value, 'base64'),
  timestamp: String(timestamp),
  attributes: 0,
  offset: String(offset),
  headers: {},
});

async function make(path: string, units: number): Promise<void> {
  const topic = 'harness.transactions';
  const dataSet = generateDataSet({ seed: 20_261_123, customers: 20_000, transactions: 300_000, days: 120 }, NOW);
  const { deps, redis, setClock } = harness(topic);
  const registry = offlineRegistry();
  const partitioner = kafkajs.Partitioners.DefaultPartitioner();
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 0, replicas: [0], isr: [0] }));
  const partitionOf = (customerId: string) => partitioner({ topic, partitionMetadata, message: { key: customerId, value: null } });
  await deps.store.putProfiles(dataSet.profiles.map((profile) => ({ customerId: profile.customerId, profile })));

  let offset = 0;
  const encoded = async (transaction: Transaction, timestamp: number): Promise<FixtureMessage> => ({
    key: transaction.customerId,
    value: (await registry.encode(TRANSACTION_SCHEMA_ID, transaction)).toString('base64'),
    offset: offset++,
    timestamp,
  });
  // the saturation phase: the history of the partition in fetches of 2,000 records, handled at NOW
  setClock(NOW);
  let pending: FixtureMessage[] = [];
  const handle = async (messages: FixtureMessage[]) => handleTransactionBatches(deps, [batchOf(topic, messages.map(messageOf), offset)]);
  for (const chunk of historyChunks(dataSet, 10_000)) {
    for (const transaction of chunk) {
      if (partitionOf(transaction.customerId) !== PARTITION) continue;
      pending.push(await encoded(transaction, NOW));
      if (pending.length === UNIT_RECORDS) {
        await handle(pending);
        pending = [];
      }
    }
  }
  if (pending.length > 0) await handle(pending);
  const historyRecords = offset;

  // live traffic continues the history; the units keep the partition's records only
  const traffic = new LiveTraffic(dataSet, 0.02);
  const liveUnits: FixtureMessage[][] = [];
  let at = NOW;
  for (let unit = 0; unit < units; unit += 1) {
    const messages: FixtureMessage[] = [];
    while (messages.length < UNIT_RECORDS) {
      at += 1000 / LIVE_RATE_PER_SECOND;
      const { transaction } = traffic.next(Math.round(at));
      if (partitionOf(transaction.customerId) === PARTITION) messages.push(await encoded(transaction, Math.round(at)));
    }
    liveUnits.push(messages);
  }
  const fixture: Fixture = { topic, redis: redis.dump(), historyRecords, units: liveUnits };
  writeFileSync(path, JSON.stringify(fixture));
  const customers = fixture.redis.strings.filter(([key]) => key.endsWith(':state')).length;
  process.stdout.write(`${historyRecords} history records of partition ${PARTITION}, ${customers} customers with a state, ${units} live units of ${UNIT_RECORDS}\n`);
}

async function run(path: string, units: number): Promise<void> {
  const fixture = JSON.parse(readFileSync(path, 'utf8')) as Fixture;
  if (units > fixture.units.length) throw new Error(`the fixture holds ${fixture.units.length} units, ${units} asked`);
  const { deps, writes, redis, producer, owned, setClock } = harness(fixture.topic);
  redis.load(fixture.redis);
  await warmOwnedMemory(owned, redis);
  writes.count = 0;
  // every unit's messages made at set-up (all of the file's, whatever `units`): the count per unit is the pipeline's
  const batches = fixture.units.map((unit) => {
    const last = unit.at(-1)!;
    return { handledAt: last.timestamp + HANDLED_AFTER_MS, batch: batchOf(fixture.topic, unit.map(messageOf), last.offset + 1) };
  });
  const profiler = process.env['HARNESS_CPU_PROFILE'] === undefined ? undefined : await startProfiler();
  let records = 0;
  for (const { handledAt, batch } of batches.slice(0, units)) {
    setClock(handledAt);
    await handleTransactionBatches(deps, [batch]);
    records += batch.messages.length;
  }
  if (profiler !== undefined) await profiler.stop(process.env['HARNESS_CPU_PROFILE']!);
  process.stdout.write(
    `${units} units, ${records} records, ${writes.count} state writes; cached ${owned.cachedCustomers}; published ${producer.messages}; ` +
      `producer sha256 ${producer.digest().slice(0, 16)}; redis sha256 ${redis.digest().slice(0, 16)}\n`,
  );
}

/** A CPU profile of what runs between start and stop (100 µs sampling), written as a .cpuprofile. */
async function startProfiler(): Promise<{ stop(path: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return {
    async stop(path) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(path, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** Every customer with a state in the partition's memory, as the saturation phase leaves them: read, and written back once. */
async function warmOwnedMemory(owned: OwnedPartitions, redis: FakeRedis): Promise<void> {
  const customerIds = [...redis.strings.keys()].filter((key) => key.endsWith(':state')).map((key) => key.slice(`${PREFIX}{c:`.length, -'}:state'.length));
  const fences = await owned.claim([PARTITION]);
  const loaded = await owned.load(customerIds);
  const writes: OwnedWrite[] = [];
  for (const [customerId, { rev, state, profile }] of loaded) {
    if (state === undefined) continue;
    state.rev = rev + 1;
    writes.push({ customerId, expectedRev: rev, state, partition: PARTITION, profile });
  }
  const { conflicts } = await owned.commit({ fences, writes });
  if (conflicts.length > 0) throw new Error(`warming the owned memory: ${conflicts.length} conflicts`);
}

const [command, file, first] = process.argv.slice(2);
if (command === 'make' && file !== undefined) await make(file, Number(first ?? 100));
else if (command === 'run' && file !== undefined && first !== undefined) await run(file, Number(first));
else {
  process.stderr.write('usage: pipeline-harness.ts make <file> [units] | run <file> <units>\n');
  process.exit(2);
}
