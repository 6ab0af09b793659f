import type { Kafka, KafkaMessage } from 'kafkajs';
import { epochKey, profileKey, rebuildKey, stateKey, timersKey } from '../adapters/redis/keys.ts';
import type { RedisClient } from '../adapters/redis/client.ts';
import { markKeys } from '../adapters/redis/redis-guard.ts';
import type { CoreContext } from '../core/processor.ts';
import { Replay } from '../replay/engine.ts';
import { applyOutcomes } from '../replay/outcomes.ts';
import type { OutcomeItem } from '../replay/outcomes.ts';
import type { ProductItem, ProfileItem, ReplayItem } from '../replay/records.ts';
import type { StateStore } from '../state/store.ts';
import { outcomeItems, productItems, profileHistory, transactionItems } from './inputs.ts';
import type { RecordDecoder } from './inputs.ts';
import { readRange } from './partition-reader.ts';
import type { InputRole, PartitionPlan, ReplayRange } from './plan.ts';
import { handOverWaitingDays, rebuildCore } from './waiting-days.ts';

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
  /** Customers whose household tier days are left waiting, for the restarted service to judge and tell (rebuildCore). */
  householdsWaiting: number;
  timersFired: number;
  /** Records the service dead-lettered (or the core refused): skipped again. */
  refused: number;
  /** Customers of an interrupted earlier rebuild whose partial state was removed first (0: none). */
  interruptedRemoved: number;
  gaps: string[];
}

const MARK_CHUNK = 1_000;
/** Merged transactions handed to the engine at most this many at a time. */
const MERGED_CHUNK = 1_000;

/** One partition's bookkeeping while the partitions are rebuilt together. */
interface PartitionWork {
  plan: PartitionPlan;
  scope: string;
  marker: string;
  interruptedRemoved: number;
  recordsRead: Record<InputRole, number>;
  /** Customers with valid transactions on the partition. */
  customers: Set<string>;
  alertsWithheld: number;
  /** Records refused while read (the service dead-lettered them). */
  rejectedOnRead: number;
  remember(customerIds: readonly string[]): Promise<void>;
  rangeOf(role: InputRole): ReplayRange | undefined;
}

/**
 * Restores the state of these input partitions behind the group's committed offsets: the records of every input topic
 * up to those offsets go through the replay engine (the service's core, in event time), with each partition's real
 * number, offsets and timer scope, into the service's own keys. The partitions are replayed together, as one stream
 * in event-time order: first the profiles of all of them (so that every household lists all its members), then their
 * transactions merged by event time, so that a household's members on any of them are complete up to the day before
 * stream time whenever its tiers are judged, as in the live service (a member on a partition not rebuilt is in Redis
 * already). Nothing is published: the alerts were published before the loss. Each batch's outbox is settled as the
 * service settles a delivered batch, only the timers due up to `timersUntil` fire (their alerts withheld too, their
 * cooldowns and dormancy stages kept; later ones fire after the restart), the household tier days the service may
 * still have been waiting on are left waiting for it (waiting-days.ts), and each partition's watermark is raised as
 * the service's timer sweep raises it. Only then are the epochs written: a rebuild that fails leaves the partitions
 * refused.
 */
export async function rebuildPartitions(deps: PartitionRebuildDeps, plans: readonly PartitionPlan[]): Promise<PartitionRebuilt[]> {
  if (plans.length === 0) return [];
  const works: PartitionWork[] = [];
  for (const plan of [...plans].sort((left, right) => left.partition - right.partition)) {
    const { partition } = plan;
    const scope = deps.scopeOf(partition);
    const marker = rebuildKey(deps.prefix, scope);
    const interruptedRemoved = await removeInterruptedRebuild(deps, scope);
    if (interruptedRemoved > 0) deps.progress(`partition ${partition}: removed the partial state of an interrupted rebuild (${interruptedRemoved} customers)`);
    works.push({
      plan,
      scope,
      marker,
      interruptedRemoved,
      recordsRead: { transactions: 0, profiles: 0, outcomes: 0, products: 0 },
      customers: new Set(),
      alertsWithheld: 0,
      rejectedOnRead: 0,
      remember: async (customerIds) => {
        const distinct = [...new Set(customerIds)];
        for (let start = 0; start < distinct.length; start += MARK_CHUNK) await deps.redis.sadd(marker, ...distinct.slice(start, start + MARK_CHUNK));
      },
      rangeOf: (role) => plan.ranges.find((range) => range.role === role),
    });
  }

  // the reference inputs of every partition first: no household is judged before all its members' profiles are in
  const initial: ProfileItem[] = [];
  const updates: ProfileItem[] = [];
  const erased: string[] = [];
  const outcomes: OutcomeItem[] = [];
  const products: ProductItem[] = [];
  /** Customers any profile version puts in a household: those whose tier days may be left waiting. */
  const householders = new Set<string>();
  /** Each customer's partition (the input topics are co-partitioned by customer): whose alert a withheld one is. */
  const partitionOf = new Map<string, PartitionWork>();
  for (const work of works) {
    const { partition } = work.plan;
    const readAll = async (role: InputRole): Promise<KafkaMessage[]> => {
      const range = work.rangeOf(role);
      const messages: KafkaMessage[] = [];
      if (range === undefined) return messages;
      for await (const fetched of readRange(deps.kafka, range, partition)) messages.push(...fetched);
      work.recordsRead[role] = messages.length;
      return messages;
    };
    deps.progress(`partition ${partition}: reading profiles, outcomes and product events`);
    const profiles = await profileHistory(deps.decoder, await readAll('profiles'));
    const own = await productItems(deps.decoder, work.rangeOf('products')?.topic ?? '', await readAll('products'), deps.core.rules.input);
    outcomes.push(...(await outcomeItems(deps.decoder, await readAll('outcomes'))));
    initial.push(...profiles.initial);
    updates.push(...profiles.updates);
    erased.push(...profiles.erased);
    products.push(...own.map((item): ProductItem => (item.kind === 'product' ? { ...item, partition } : item)));
    for (const item of [...profiles.initial, ...profiles.updates]) if (item.kind === 'profile' && item.profile.householdId !== null) householders.add(item.profile.customerId);
    const customerIds = [
      ...profiles.initial.flatMap((item) => (item.kind === 'profile' ? [item.profile.customerId] : [])),
      ...profiles.erased,
      ...own.flatMap((item) => (item.kind === 'product' ? [item.event.customerId] : [])),
    ];
    for (const customerId of customerIds) partitionOf.set(customerId, work);
    await work.remember(customerIds);
  }
  // one event-time order over all the partitions (stable sorts: ties stay in partition order, so the rebuild is deterministic)
  updates.sort((left, right) => (left.kind === 'profile' ? left.profile.updatedAt : 0) - (right.kind === 'profile' ? right.profile.updatedAt : 0));
  outcomes.sort((left, right) => (left.kind === 'outcome' ? left.outcome.recordedAt : 0) - (right.kind === 'outcome' ? right.outcome.recordedAt : 0));
  products.sort((left, right) => (left.kind === 'product' ? left.event.eventTime : 0) - (right.kind === 'product' ? right.event.eventTime : 0));

  const replay = new Replay({
    core: rebuildCore(deps.core),
    store: deps.store,
    partitions: works.map((work) => ({ partition: work.plan.partition, timerScope: work.scope })),
    until: deps.timersUntil,
    timersDueBy: deps.timersUntil,
    outcomes: inOneBatch(outcomes),
    products: inOneBatch(products),
    profileUpdates: inOneBatch(updates),
    onOutcomes: applyOutcomes(deps.core.rules),
    onAlert: ({ alert }) => {
      const work = partitionOf.get(alert.customerId) ?? works[0]!;
      work.alertsWithheld += 1;
    },
  });
  await replay.loadProfiles(initial);
  const total = works.reduce((sum, work) => {
    const range = work.rangeOf('transactions');
    return sum + (range === undefined ? 0n : range.to - range.from);
  }, 0n);
  deps.progress(`partition(s) ${works.map((work) => work.plan.partition).join(', ')}: replaying ${total} transaction record(s) together, in event-time order`);
  const summary = await replay.run(mergedTransactions(deps, works, partitionOf));
  await deps.store.putProfiles(erased.map((customerId) => ({ customerId, profile: null })));
  const waiting = await handOverWaitingDays(deps.store, householders, new Map(works.map((work) => [work.plan.partition, work.scope])), deps.core);
  // as the service's timer sweep: each partition has passed the day before the clock (household tiers wait for it)
  const clock = Math.max(deps.timersUntil, summary.endedAt === null ? Number.NEGATIVE_INFINITY : Date.parse(summary.endedAt));
  const day = deps.core.calendar.dayOf(clock) - 1;
  await deps.store.commit([], [], works.map((work) => ({ scope: work.scope, day })));
  for (const work of works) {
    await markKeys(deps.redis, [epochKey(deps.prefix, work.scope)], String(Date.now()));
    await deps.redis.unlink(work.marker);
  }
  return works.map((work) => {
    const counts = replay.countsOf(work.plan.partition);
    return {
      partition: work.plan.partition,
      recordsRead: work.recordsRead,
      transactionsApplied: counts.applied,
      customers: work.customers.size,
      alertsWithheld: work.alertsWithheld,
      householdsWaiting: waiting.get(work.plan.partition) ?? 0,
      timersFired: counts.timersFired,
      refused: counts.refused,
      interruptedRemoved: work.interruptedRemoved,
      gaps: work.plan.gaps,
    };
  });
}

/** One partition's rebuild (see rebuildPartitions). */
export async function rebuildPartition(deps: PartitionRebuildDeps, plan: PartitionPlan): Promise<PartitionRebuilt> {
  const [rebuilt] = await rebuildPartitions(deps, [plan]);
  return rebuilt!;
}

/** One partition's transactions as the engine's items, fetch by fetch; their customers are noted before any write. */
async function* partitionItems(deps: PartitionRebuildDeps, work: PartitionWork, range: ReplayRange, partitionOf: Map<string, PartitionWork>): AsyncGenerator<ReplayItem[]> {
  const { partition } = work.plan;
  for await (const messages of readRange(deps.kafka, range, partition)) {
    work.recordsRead.transactions += messages.length;
    const items = (await transactionItems(deps.decoder, range.topic, messages, deps.core.rules.input)).map((item): ReplayItem => ({ ...item, partition }));
    const customerIds = items.flatMap((item) => (item.kind === 'transaction' ? [item.transaction.customerId] : []));
    for (const customerId of customerIds) {
      work.customers.add(customerId);
      partitionOf.set(customerId, work);
    }
    await work.remember(customerIds);
    yield items;
  }
}

const eventTimeOf = (item: ReplayItem) => (item.kind === 'transaction' ? item.transaction.eventTime : Number.NEGATIVE_INFINITY);

/**
 * The partitions' transactions as one stream in event-time order: each partition read in offset order, fetch by fetch
 * (one fetch of each held at a time), the earliest head taken next (a tie goes to the lower partition; a refused
 * record goes at once), as the live service's partitions advance side by side.
 */
async function* mergedTransactions(deps: PartitionRebuildDeps, works: readonly PartitionWork[], partitionOf: Map<string, PartitionWork>): AsyncGenerator<ReplayItem[]> {
  const heads = works.flatMap((work) => {
    const range = work.rangeOf('transactions');
    return range === undefined ? [] : [{ iterator: partitionItems(deps, work, range, partitionOf), buffer: [] as ReplayItem[], index: 0, done: false }];
  });
  type Head = (typeof heads)[number];
  const refill = async (head: Head) => {
    while (!head.done && head.index >= head.buffer.length) {
      const next = await head.iterator.next();
      if (next.done === true) head.done = true;
      else [head.buffer, head.index] = [next.value, 0];
    }
  };
  try {
    for (const head of heads) await refill(head);
    let out: ReplayItem[] = [];
    for (;;) {
      let best: Head | undefined;
      for (const head of heads) {
        if (head.index >= head.buffer.length) continue;
        if (best === undefined || eventTimeOf(head.buffer[head.index]!) < eventTimeOf(best.buffer[best.index]!)) best = head;
      }
      if (best === undefined) break;
      out.push(best.buffer[best.index++]!);
      if (best.index >= best.buffer.length) {
        // this partition's next fetch is read only once what came before has been handed over
        if (out.length > 0) yield out;
        out = [];
        await refill(best);
      } else if (out.length >= MERGED_CHUNK) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
  } finally {
    for (const head of heads) await head.iterator.return(undefined);
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
