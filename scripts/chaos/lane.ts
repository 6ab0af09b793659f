import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import kafkajs from 'kafkajs';
import type { Admin, IHeaders, Kafka, Producer } from 'kafkajs';
import { Redis } from 'ioredis';
import { RedisStateStore } from '../../src/adapters/redis/state-store.ts';
import { topicsUnder, topicVariables } from '../../src/adapters/registry/schemas.ts';
import { readRawTopic } from '../../test/support/kafka-io.ts';
import { startServiceProcess } from '../../test/support/service-process.ts';
import type { ServiceProcess } from '../../test/support/service-process.ts';
import { feeds } from './outcome.ts';
import type { FeedName, Outcome } from './outcome.ts';

const { Kafka: KafkaClient, logLevel, Partitioners } = kafkajs;
const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
export const PARTITIONS = 4;
/** CHAOS_LOGS=<dir>: every service life's log is kept there (one file per life), and the suite broker's log. */
export const keptLogs = process.env.CHAOS_LOGS;

export interface Message {
  key: string;
  value: Buffer | null;
  headers?: IHeaders;
}

/** What every lane shares: the suite's broker and registry, one producer and one admin on them. */
export class Harness {
  private constructor(
    readonly kafka: Kafka,
    readonly admin: Admin,
    readonly producer: Producer,
    readonly brokers: string[],
    readonly registryUrl: string,
  ) {}

  static async connect(brokers: string[], registryUrl: string): Promise<Harness> {
    const kafka = new KafkaClient({ brokers, clientId: 'tidewatch-chaos', logLevel: logLevel.NOTHING, retry: { retries: 20 } });
    const admin = kafka.admin();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([admin.connect(), producer.connect()]);
    return new Harness(kafka, admin, producer, brokers, registryUrl);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.admin.disconnect(), this.producer.disconnect()]);
  }
}

export interface LaneOptions {
  redisUrl: string;
  /** The registry as the service sees it (a proxy in front of the real one for the outage). */
  serviceRegistryUrl?: string;
  /** Extra environment for every process of the lane. */
  env?: Record<string, string>;
}

/**
 * One pass of the real service (`tidewatch run`, child processes) over its own copy of the input: its own topics,
 * consumer group and Redis key prefix, so lanes run side by side on one broker without seeing each other.
 */
/** Every lane of this process, so that an interrupted suite leaves no service behind. */
export const lanes: Lane[] = [];

export class Lane {
  readonly topics: Record<'transactions' | 'profiles' | 'outcomes' | 'products' | 'rmAlerts' | 'risk' | 'campaign' | 'deadLetter' | 'rmRoutine' | 'rmDigests', string>;
  readonly env: Record<string, string>;
  readonly processes: ServiceProcess[] = [];
  /** Called when every process of the lane is gone while input is left: the environment of the next life. */
  respawn: (() => Record<string, string>) | undefined;

  constructor(
    readonly name: string,
    private readonly harness: Harness,
    readonly options: LaneOptions,
  ) {
    lanes.push(this);
    const namespace = `chaos-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 32)}-${randomBytes(3).toString('hex')}`;
    // the audit topic stays the service's default: a lane does not read it
    const { audit: _audit, ...topics } = topicsUnder(namespace);
    this.topics = topics;
    this.env = {
      KAFKA_BROKERS: harness.brokers.join(','),
      SCHEMA_REGISTRY_URL: options.serviceRegistryUrl ?? harness.registryUrl,
      REDIS_URL: options.redisUrl,
      TIDEWATCH_GROUP_ID: namespace,
      TIDEWATCH_DIGEST_GROUP_ID: `${namespace}-digest`,
      TIDEWATCH_REDIS_PREFIX: `${namespace}:`,
      ...topicVariables(this.topics),
      TIDEWATCH_CREATE_TOPICS: 'false',
      // timers fire on the wall clock once a partition has caught up, at moments that differ between passes
      TIDEWATCH_TIMER_INTERVAL_MS: '3600000',
      ...options.env,
    };
  }

  async createTopics(): Promise<void> {
    const configs = Object.values(this.topics).map((topic) => ({
      topic,
      numPartitions: PARTITIONS,
      ...(topic === this.topics.profiles ? { configEntries: [{ name: 'cleanup.policy', value: 'compact' }] } : {}),
    }));
    // kafkajs' own waitForLeaders gives up on "does not host this topic-partition" while the broker catches up
    await this.harness.admin.createTopics({ topics: configs, waitForLeaders: false });
    const names = configs.map((config) => config.topic);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const metadata = await this.harness.admin.fetchTopicMetadata({ topics: names }).catch(() => undefined);
      if (metadata?.topics.every((topic) => topic.partitions.length === PARTITIONS && topic.partitions.every((partition) => partition.leader >= 0))) return;
      if (Date.now() > deadline) throw new Error(`lane ${this.name}: no leaders for its topics after 60 s`);
      await sleep(200);
    }
  }

  async start(extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
    try {
      // a long wait: on a loaded machine a start can take minutes, and a start given up on would leave its process
      const service = await startServiceProcess({ ...this.env, ...extraEnv }, 600_000);
      this.processes.push(service);
      return service;
    } catch (error) {
      const lines = error instanceof Error ? error.message.split('\n') : [String(error)];
      if (lines[0]?.startsWith('service exited')) this.failedStarts.push(lastError(lines));
      throw error;
    }
  }

  /** Why the service would not start or stopped with an error, one line per life. */
  readonly failedStarts: string[] = [];

  alive(): ServiceProcess[] {
    return this.processes.filter((service) => service.child.exitCode === null && service.child.signalCode === null);
  }

  /** SIGKILL, from outside: the process gets no chance to finish anything. */
  async kill(service: ServiceProcess): Promise<void> {
    service.child.kill('SIGKILL');
    await service.stop();
  }

  /** Lives ended by SIGKILL (ours or the crash hook's). */
  kills(): number {
    return this.processes.filter((service) => service.child.signalCode === 'SIGKILL').length;
  }

  /** Lives that would not start or ended on their own with an error (e.g. the service refusing to run). */
  refusals(): string[] {
    const exited = this.processes.filter((service) => service.child.exitCode !== null && service.child.exitCode !== 0);
    return [...this.failedStarts, ...exited.map((service) => `exit ${service.child.exitCode}: ${lastError(service.logLines)}`)];
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.alive().map((service) => service.stop()));
  }

  async produce(topic: string, messages: readonly Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 2_000) {
      await this.harness.producer.send({ topic, messages: messages.slice(start, start + 2_000).map((message) => ({ ...message })), acks: -1 });
    }
  }

  /**
   * Produces the chunks one after the other, each once the previous one is consumed (a steady live stream rather
   * than a backlog); `beforeChunk` injects a fault. A lane whose processes all died is restarted with `respawn`.
   */
  async feed(chunks: readonly (readonly Message[])[], beforeChunk?: (index: number) => Promise<void>): Promise<void> {
    for (const [index, chunk] of chunks.entries()) {
      await beforeChunk?.(index);
      await this.produce(this.topics.transactions, chunk);
      await this.untilConsumed(this.topics.transactions);
    }
  }

  /** Waits until the group has committed the end of every partition, restarting dead lanes as it goes. */
  async untilConsumed(topic: string, timeoutMs = 600_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.consumed(topic).catch(() => false)) === true) return;
      if (this.alive().length === 0) {
        // a service that refuses to run (e.g. an evicting Redis) is not started a third time
        if (this.refusals().length >= 2) throw new RefusedToRun(this.refusals().at(-1)!);
        await this.start(this.respawn?.() ?? {}).catch(() => undefined);
      }
      if (Date.now() > deadline) throw new Error(`lane ${this.name}: ${topic} not consumed within ${timeoutMs / 1000} s`);
      await sleep(200);
    }
  }

  private async consumed(topic: string): Promise<boolean> {
    const ends = await this.harness.admin.fetchTopicOffsets(topic);
    const [committed] = await this.harness.admin.fetchOffsets({ groupId: this.env.TIDEWATCH_GROUP_ID!, topics: [topic] });
    return ends.every((end) => {
      const at = committed?.partitions.find((entry) => entry.partition === end.partition)?.offset ?? '-1';
      return end.high === '0' || (at !== '-1' && BigInt(at) >= BigInt(end.high));
    });
  }

  /** Sum of committed offsets over the input partitions. */
  async committed(): Promise<bigint> {
    const [committed] = await this.harness.admin.fetchOffsets({ groupId: this.env.TIDEWATCH_GROUP_ID!, topics: [this.topics.transactions] });
    return (committed?.partitions ?? []).reduce((sum, entry) => sum + (entry.offset === '-1' ? 0n : BigInt(entry.offset)), 0n);
  }

  /** The alerts on every feed and the states in Redis, as outcome.ts compares them. */
  async outcome(customerIds: readonly string[]): Promise<Outcome> {
    const registry = new SchemaRegistry({ host: this.harness.registryUrl });
    const topicOf: Record<FeedName, string> = { rm: this.topics.rmAlerts, risk: this.topics.risk, campaign: this.topics.campaign };
    const alerts = {} as Outcome['alerts'];
    for (const feed of feeds) {
      const records = await readRawTopic(this.harness.kafka, topicOf[feed]);
      alerts[feed] = await Promise.all(
        records.map(async (record) => {
          const { detectedAt: _detectedAt, ...content } = (await registry.decode(record.value!)) as Record<string, unknown>;
          return { id: String(content.alertId ?? content.opportunityId), content: JSON.stringify(content) };
        }),
      );
    }
    return { alerts, states: await statesOf(this.options.redisUrl, this.env.TIDEWATCH_REDIS_PREFIX!, customerIds) };
  }

  /** Dead letters: source partition and offset → reason. */
  async deadLetters(): Promise<Map<string, string>> {
    const registry = new SchemaRegistry({ host: this.harness.registryUrl });
    const letters = new Map<string, string>();
    for (const record of await readRawTopic(this.harness.kafka, this.topics.deadLetter)) {
      const letter = (await registry.decode(record.value!)) as { sourcePartition: number; sourceOffset: number; reason: string };
      letters.set(`${letter.sourcePartition}:${letter.sourceOffset}`, letter.reason);
    }
    return letters;
  }

  /** Damaged records (header `chaos.kind`) that did not reach the dead-letter topic, by kind. */
  async notDeadLettered(): Promise<Map<string, number>> {
    const letters = await this.deadLetters();
    const accepted = new Map<string, number>();
    for (const record of await readRawTopic(this.harness.kafka, this.topics.transactions)) {
      const kind = record.headers['chaos.kind']?.toString();
      if (kind !== undefined && !letters.has(`${record.partition}:${record.offset}`)) accepted.set(kind, (accepted.get(kind) ?? 0) + 1);
    }
    return accepted;
  }

  /** For a suite on a shared broker: its topics go (no send may follow on the harness's producer). */
  async deleteTopics(): Promise<void> {
    await this.harness.admin.deleteTopics({ topics: Object.values(this.topics) }).catch(() => {});
  }

  async metricsText(service: ServiceProcess): Promise<string> {
    return (await fetch(`${service.baseUrl}/metrics`)).text();
  }

  async cleanUp(): Promise<void> {
    // topics stay: the shared producer's metadata still names them (a deleted one fails its next send); the
    // suite's broker and its data are removed at the end
    await Promise.all(this.alive().map((service) => { service.child.kill('SIGKILL'); return service.stop(); }));
    if (keptLogs !== undefined) {
      mkdirSync(keptLogs, { recursive: true });
      for (const [life, service] of this.processes.entries()) writeFileSync(join(keptLogs, `${this.env.TIDEWATCH_GROUP_ID}.${life}.log`), `${service.logLines.join('\n')}\n`);
    }
  }
}

/** The lane's service would not run, twice: it refused, and said why. */
export class RefusedToRun extends Error {
  override readonly name = 'RefusedToRun';
}

/** The message of the last error-level log line (pino JSON), or the last line. */
function lastError(lines: readonly string[]): string {
  const said = [...lines].reverse().find((line) => /"level":(50|60)/.test(line)) ?? lines.at(-1) ?? '';
  try {
    const entry = JSON.parse(said) as { msg?: unknown; err?: { message?: unknown } };
    return String(entry.err?.message ?? entry.msg ?? said).slice(0, 160);
  } catch {
    return said.slice(0, 160);
  }
}

/**
 * The stored state per customer, without what depends on how the input was cut or where it sat: the revision
 * (counts writes), the outbox (the latest batch's alerts) and the applied offset (lanes with damaged records
 * interleaved have other offsets).
 */
export async function statesOf(redisUrl: string, prefix: string, customerIds: readonly string[]): Promise<Map<string, string | null>> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  const store = new RedisStateStore(redis, { prefix, stateTtlSeconds: 86_400 });
  try {
    const loaded = await store.load(customerIds);
    return new Map(
      customerIds.map((customerId) => {
        const state = loaded.get(customerId)?.state;
        if (state === undefined) return [customerId, null];
        const { rev: _rev, outbox: _outbox, appliedOffset: _appliedOffset, ...decisive } = state;
        return [customerId, JSON.stringify(decisive)];
      }),
    );
  } finally {
    await store.close();
  }
}
