import type { Kafka, KafkaMessage } from 'kafkajs';
import { epochKey, profileKey, rebuildKey, stateKey, timersKey } from '../adapters/redis/keys.ts';
import type { RedisClient } from '../adapters/redis/client.ts';
import { markKeys } from '../adapters/redis/redis-guard.ts';
import type { CoreContext } from '../core/processor.ts';
import { Replay } from '../replay/engine.ts';
import { applyOutcomes } from '../replay/outcomes.ts';
import type { StateStore } from '../state/store.ts';
import { outcomeItems, productItems, profileHistory, transactionItems } from './inputs.ts';
import type { RecordDecoder } from './inputs.ts';
import { readRange } from './partition-reader.ts';
import type { InputRole, PartitionPlan, ReplayRange } from './plan.ts';

export interface PartitionRebuildDeps {
  kafka: Kafka;
  redis: RedisClient;
  /** The service's own store: its key prefix, its state TTL. */
  store: StateStore;
  prefix: string;
  decoder: RecordDecoder;
  core: CoreContext;
  /** The timer scope (and epoch scope) of a partition, as the service names it. */
  scopeOf(partition: number): string;
  /** Timers due up to this instant count as fired before the loss: the rebuild fires them, withholding their alerts. */
  timersUntil: number;
  progress(line: string): void;
}

export interface PartitionRebuilt {
  partition: number;
  /** Input records read back, per topic role. */
  recordsRead: Record<InputRole, number>;
  transactionsApplied: number;
  /** Customers with transactions whose state was restored. */
  customers: number;
  /** Alerts (per feed) the replay recomputed: published before the loss, so not published again. */
  alertsWithheld: number;
  timersFired: number;
  /** Records the service dead-lettered (or the core refused): skipped again. */
  refused: number;
  /** Customers of an interrupted earlier rebuild whose partial state was removed first (0: none). */
  interruptedRemoved: number;
  gaps: string[];
}

const MARK_CHUNK = 1_000;

/**
 * Restores one input partition's state behind the group's committed offsets: the records of every input topic up to
 * that offset go through the replay engine (the service's core, in event time), with the partition's real number,
 * offsets and timer scope, into the service's own keys. Nothing is published: the alerts were published before the
 * loss. Each batch's outbox is settled as the service settles a delivered batch, the timers due up to `timersUntil`
 * fire (their alerts withheld too, their cooldowns and dormancy stages kept), and the partition's watermark is
 * raised as the service's timer sweep raises it. Only then is the epoch written: a rebuild that fails leaves the
 * partition refused.
 */
export async function rebuildPartition(deps: PartitionRebuildDeps, plan: PartitionPlan): Promise<PartitionRebuilt> {
  const { partition } = plan;
  const scope = deps.scopeOf(partition);
  const marker = rebuildKey(deps.prefix, scope);
  const interruptedRemoved = await removeInterruptedRebuild(deps, scope);
  if (interruptedRemoved > 0) deps.progress(`partition ${partition}: removed the partial state of an interrupted rebuild (${interruptedRemoved} customers)`);
  const remember = async (customerIds: readonly string[]) => {
    const distinct = [...new Set(customerIds)];
    for (let start = 0; start < distinct.length; start += MARK_CHUNK) await deps.redis.sadd(marker, ...distinct.slice(start, start + MARK_CHUNK));
  };

  const recordsRead: Record<InputRole, number> = { transactions: 0, profiles: 0, outcomes: 0, products: 0 };
  const rangeOf = (role: InputRole) => plan.ranges.find((range) => range.role === role);
  const readAll = async (role: InputRole): Promise<KafkaMessage[]> => {
    const range = rangeOf(role);
    const messages: KafkaMessage[] = [];
    if (range === undefined) return messages;
    for await (const fetched of readRange(deps.kafka, range, partition)) messages.push(...fetched);
    recordsRead[role] = messages.length;
    return messages;
  };
  deps.progress(`partition ${partition}: reading profiles, outcomes and product events`);
  const profiles = await profileHistory(deps.decoder, await readAll('profiles'));
  const outcomes = await outcomeItems(deps.decoder, await readAll('outcomes'));
  const products = await productItems(deps.decoder, rangeOf('products')?.topic ?? '', await readAll('products'), deps.core.rules.input);
  await remember([
    ...profiles.initial.flatMap((item) => (item.kind === 'profile' ? [item.profile.customerId] : [])),
    ...profiles.erased,
    ...products.flatMap((item) => (item.kind === 'product' ? [item.event.customerId] : [])),
  ]);

  const replay = new Replay({
    core: deps.core,
    store: deps.store,
    position: { partition, timerScope: scope },
    until: deps.timersUntil,
    outcomes: inOneBatch(outcomes),
    products: inOneBatch(products),
    profileUpdates: inOneBatch(profiles.updates),
    onOutcomes: applyOutcomes(deps.core.rules),
  });
  await replay.loadProfiles(profiles.initial);
  const transactions = rangeOf('transactions');
  deps.progress(`partition ${partition}: replaying ${transactions === undefined ? 0 : transactions.to - transactions.from} transaction record(s)`);
  const summary = await replay.run(transactions === undefined ? [] : transactionSource(deps, transactions, partition, recordsRead, remember));
  await deps.store.putProfiles(profiles.erased.map((customerId) => ({ customerId, profile: null })));
  // as the service's timer sweep: the partition has passed the day before its clock (household tiers wait for it)
  const clock = Math.max(deps.timersUntil, summary.endedAt === null ? Number.NEGATIVE_INFINITY : Date.parse(summary.endedAt));
  await deps.store.commit([], [], [{ scope, day: deps.core.calendar.dayOf(clock) - 1 }]);
  await markKeys(deps.redis, [epochKey(deps.prefix, scope)], String(Date.now()));
  await deps.redis.unlink(marker);
  return {
    partition,
    recordsRead,
    transactionsApplied: summary.transactions.applied,
    customers: summary.customers,
    alertsWithheld: summary.publishedRecords,
    timersFired: summary.timersFired,
    refused: summary.deadLetters.total,
    interruptedRemoved,
    gaps: plan.gaps,
  };
}

/** The transactions partition as the engine's source, fetch by fetch; their customers are noted before any write. */
async function* transactionSource(
  deps: PartitionRebuildDeps,
  range: ReplayRange,
  partition: number,
  recordsRead: Record<InputRole, number>,
  remember: (customerIds: readonly string[]) => Promise<void>,
) {
  for await (const messages of readRange(deps.kafka, range, partition)) {
    recordsRead.transactions += messages.length;
    const items = await transactionItems(deps.decoder, range.topic, messages, deps.core.rules.input);
    await remember(items.flatMap((item) => (item.kind === 'transaction' ? [item.transaction.customerId] : [])));
    yield items;
  }
}

async function* inOneBatch<T>(items: readonly T[]): AsyncGenerator<readonly T[]> {
  if (items.length > 0) yield items;
}

/**
 * A marker left by an earlier rebuild of the partition that did not reach its end: the customers it names may hold
 * part of a replay (re-applying profile changes over them would read as RM changes), so their keys and the
 * partition's timers go before the replay starts again. Answers how many customers were named.
 */
async function removeInterruptedRebuild(deps: PartitionRebuildDeps, scope: string): Promise<number> {
  const marker = rebuildKey(deps.prefix, scope);
  let removed = 0;
  let cursor = '0';
  do {
    const [next, customerIds] = await deps.redis.sscan(marker, cursor, 'COUNT', MARK_CHUNK);
    // single-key commands: a customer's keys are on its own Cluster slot
    await Promise.all(customerIds.flatMap((customerId) => [deps.redis.unlink(stateKey(deps.prefix, customerId)), deps.redis.unlink(profileKey(deps.prefix, customerId))]));
    removed += customerIds.length;
    cursor = next;
  } while (cursor !== '0');
  // the marker and the timers share the partition's hash tag
  if (removed > 0) await deps.redis.unlink(timersKey(deps.prefix, scope), marker);
  return removed;
}
