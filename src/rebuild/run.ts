import type { Admin } from 'kafkajs';
import type { ServiceEnv } from '../config/env.ts';
import { connectionsOf, describeKafka, describeRedis, describeRegistry } from '../config/security.ts';
import { connecting } from '../adapters/connection-error.ts';
import { createKafka } from '../adapters/kafka/client.ts';
import { connectRedis, createRedis } from '../adapters/redis/client.ts';
import { epochKey } from '../adapters/redis/keys.ts';
import { evictionProblem, maxmemoryPolicy, missingKeys } from '../adapters/redis/redis-guard.ts';
import { RedisStateStore } from '../adapters/redis/state-store.ts';
import { AvroDecoder } from '../adapters/registry/avro-decoder.ts';
import { assertRegistryAnswers } from '../adapters/registry/client.ts';
import { topicsFromEnv } from '../adapters/registry/schemas.ts';
import { businessCalendar } from '../core/calendar.ts';
import type { CoreContext } from '../core/processor.ts';
import { loadRules } from '../core/rules.ts';
import type { Logger } from '../observability/logger.ts';
import { timerScopeOf } from '../service/pipeline.ts';
import { rebuildPartitions } from './partition.ts';
import type { PartitionRebuilt } from './partition.ts';
import { inputRoles, planPartition, selectPartitions } from './plan.ts';
import type { PartitionOffsets, PartitionPlan } from './plan.ts';
import { incompleteWarning } from './summary.ts';
import type { RebuildSummary } from './summary.ts';

export interface RebuildRequest {
  /** `--partitions`; null: every partition whose epoch is missing. */
  partitions: number[] | null;
  /** Run although members of the service's group are active. */
  force: boolean;
  /** Refuse (rebuild nothing) when any selected partition's history is no longer complete. */
  requireComplete: boolean;
  /** Timers due up to this instant (UTC millis) count as fired before the loss. */
  timersUntil: number;
}

/** The rebuild will not run, said in one line (exit 2): a running service, an evicting Redis, incomplete history. */
export class RebuildRefusedError extends Error {
  override readonly name = 'RebuildRefusedError';
}

const DAY_SECONDS = 86_400;

/**
 * `tidewatch rebuild`, configured by the service's own environment (topics, group, Redis prefix, rules): checks the
 * group is idle and Redis keeps data, picks the partitions, plans each from the broker's offsets, rebuilds them together
 * (one event-time order) and answers what it did.
 */
export async function runRebuild(env: ServiceEnv, request: RebuildRequest, logger: Logger, progress: (line: string) => void): Promise<RebuildSummary> {
  const rules = loadRules(env.TIDEWATCH_RULES_FILE);
  const core: CoreContext = { rules, calendar: businessCalendar(rules.timeZone), unassignedQueue: env.TIDEWATCH_UNASSIGNED_QUEUE };
  const topics = topicsFromEnv(env);
  const inputTopics = { transactions: topics.transactions, profiles: topics.profiles, outcomes: topics.outcomes, products: topics.products };
  const connections = connectionsOf(env);
  const kafka = createKafka(env.KAFKA_BROKERS, `${env.TIDEWATCH_CLIENT_ID}-rebuild`, logger, connections.kafka);
  const admin = kafka.admin();
  const redis = createRedis(connections.redis, logger);
  const prefix = env.TIDEWATCH_REDIS_PREFIX;
  const store = new RedisStateStore(redis, { prefix, stateTtlSeconds: env.TIDEWATCH_STATE_TTL_DAYS * DAY_SECONDS });
  const scopeOf = (partition: number) => timerScopeOf(topics.transactions, partition);
  try {
    await connecting(describeRedis(connections.redis), () => connectRedis(redis));
    await connecting(describeKafka(connections.kafka), () => admin.connect());
    await connecting(describeRegistry(connections.registry), () => assertRegistryAnswers(connections.registry));
    const evicting = evictionProblem(await maxmemoryPolicy(redis));
    if (evicting !== undefined) throw new RebuildRefusedError(`refusing to rebuild: ${evicting}`);
    if (!request.force) await assertGroupIdle(admin, env.TIDEWATCH_GROUP_ID);

    const offsets = await partitionOffsets(admin, env.TIDEWATCH_GROUP_ID, inputTopics);
    const all = [...offsets.keys()].sort((left, right) => left - right);
    const missing = new Set(await missingKeys(redis, all.map((partition) => epochKey(prefix, scopeOf(partition)))));
    const missingEpochs = new Set(all.filter((partition) => missing.has(epochKey(prefix, scopeOf(partition)))));
    const committed = new Set(all.filter((partition) => offsets.get(partition)!.some((entry) => entry.committed !== null && entry.committed > 0n)));
    const { selected, skipped } = selectPartitions(all, request.partitions, missingEpochs, committed);
    const plans: PartitionPlan[] = selected.map((partition) => planPartition(partition, offsets.get(partition)!));
    const incomplete = plans.filter((plan) => plan.gaps.length > 0);
    if (incomplete.length > 0) {
      const warning = incompleteWarning(incomplete);
      if (request.requireComplete) throw new RebuildRefusedError(`refusing to rebuild (--require-complete): nothing was rebuilt\n${warning.join('\n')}`);
      progress(warning.join('\n'));
    }

    const decoder = AvroDecoder.forUrl(connections.registry);
    const deps = { kafka, redis, store, prefix, decoder, core, scopeOf, timersUntil: request.timersUntil, progress };
    const rebuilt: PartitionRebuilt[] = await rebuildPartitions(deps, plans);
    for (const partition of rebuilt) progress(`partition ${partition.partition}: rebuilt, epoch written`);
    return { groupId: env.TIDEWATCH_GROUP_ID, timersUntil: new Date(request.timersUntil).toISOString(), rebuilt, skipped };
  } finally {
    await admin.disconnect().catch(() => {});
    await store.close().catch(() => redis.disconnect());
  }
}

/**
 * A running instance would write the same keys (or refuse the partition again and keep it paused): the group's
 * members, as the coordinator lists them, must be gone. A member killed with SIGKILL stays listed until its session
 * times out (TIDEWATCH_SESSION_TIMEOUT_MS).
 */
async function assertGroupIdle(admin: Admin, groupId: string): Promise<void> {
  const { groups } = await admin.describeGroups([groupId]);
  const members = groups[0]?.members ?? [];
  if (members.length === 0) return;
  const hosts = [...new Set(members.map((member) => `${member.clientId}@${member.clientHost}`))].join(', ');
  throw new RebuildRefusedError(
    `refusing to rebuild: group ${groupId} has ${members.length} active member(s) (${hosts}, state ${groups[0]!.state}); stop every tidewatch instance of the group first, or pass --force`,
  );
}

/** Per partition number: each input topic's low and high watermarks and the group's committed offset. */
async function partitionOffsets(admin: Admin, groupId: string, inputTopics: Record<(typeof inputRoles)[number], string>): Promise<Map<number, PartitionOffsets[]>> {
  const byPartition = new Map<number, PartitionOffsets[]>();
  const committed = await admin.fetchOffsets({ groupId, topics: Object.values(inputTopics) });
  for (const role of inputRoles) {
    const topic = inputTopics[role];
    const committedOf = new Map((committed.find((entry) => entry.topic === topic)?.partitions ?? []).map((entry) => [entry.partition, entry.offset]));
    for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
      const at = committedOf.get(partition);
      const entry: PartitionOffsets = { role, topic, low: BigInt(low), high: BigInt(high), committed: at === undefined || at === '-1' ? null : BigInt(at) };
      byPartition.set(partition, [...(byPartition.get(partition) ?? []), entry]);
    }
  }
  return byPartition;
}
