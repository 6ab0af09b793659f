import type { Admin } from 'kafkajs';
import type { RedisClient } from '../adapters/redis/client.ts';
import type { Gauge } from 'prom-client';
import { epochKey } from '../adapters/redis/keys.ts';
import { evictionProblem, markKeys, maxmemoryPolicy, missingKeys } from '../adapters/redis/redis-guard.ts';
import type { Logger } from '../observability/logger.ts';

export interface StateGuardOptions {
  redis: RedisClient;
  admin: Admin;
  prefix: string;
  groupId: string;
  /** The input topics, co-partitioned: partition n of each goes to one owner, and one epoch stands for all of them. */
  inputTopics: readonly string[];
  /** The epoch scope of partition n (`<transactions topic>:<n>`, as timers are scoped). */
  scopeOf(partition: number): string;
  metrics: { redisEvicting: Gauge; partitionStateLost: Gauge };
  logger: Logger;
  /** How often the eviction policy is read again. */
  intervalMs: number;
  /** Take committed partitions without an epoch as intact (once, after upgrading from a version without epochs). */
  adoptExistingState: boolean;
}

/**
 * Redis that lost or evicts data is detected, not trusted (issue 11):
 * - an evicting maxmemory-policy, read at start (refused) and every `intervalMs` (nothing processed meanwhile);
 * - per input partition, an epoch key written before the partition's first record is processed: a partition whose
 *   group has committed offsets but whose epoch is gone (Redis emptied, restarted without its data) is refused, and
 *   stays refused until `tidewatch rebuild` has restored the state and the service is restarted.
 */
export class StateGuard {
  readonly #options: StateGuardOptions;
  #evicting: string | undefined;
  readonly #lost = new Set<number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: StateGuardOptions) {
    this.#options = options;
  }

  /** Reads the policy once; throws (the service refuses to start) when Redis evicts. */
  async start(): Promise<void> {
    await this.#checkPolicy();
    if (this.#evicting !== undefined) throw new Error(`refusing to start: ${this.#evicting}`);
    this.#timer = setInterval(() => {
      this.#checkPolicy().catch((error: unknown) => this.#options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'cannot read the Redis eviction policy'));
    }, this.#options.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** For readiness: false while Redis evicts or an owned partition's state is gone. */
  checks(): Record<string, boolean> {
    return { redisKeepsData: this.#evicting === undefined, partitionStatesPresent: this.#lost.size === 0 };
  }

  isLost(partition: number): boolean {
    return this.#lost.has(partition);
  }

  /** A new assignment: refusals of partitions no longer owned end with it. */
  retainOnly(owned: ReadonlySet<number>): void {
    for (const partition of this.#lost) if (!owned.has(partition)) this.#lost.delete(partition);
    this.#options.metrics.partitionStateLost.set(this.#lost.size);
  }

  /**
   * Before a unit of work: throws while Redis evicts; answers which of the unit's partitions have lost their state
   * (one round trip for the epochs; the group's committed offsets are read only when an epoch is missing).
   */
  async lostAmong(partitions: ReadonlySet<number>): Promise<Set<number>> {
    if (this.#evicting !== undefined) throw new Error(`not processing: ${this.#evicting}`);
    const { redis, prefix, scopeOf } = this.#options;
    const candidates = [...partitions].filter((partition) => !this.#lost.has(partition));
    const keyOf = (partition: number) => epochKey(prefix, scopeOf(partition));
    const missing = new Set(await missingKeys(redis, candidates.map(keyOf)));
    const unmarked = candidates.filter((partition) => missing.has(keyOf(partition)));
    if (unmarked.length > 0) {
      const committed = await this.#partitionsWithCommits();
      const fresh: number[] = [];
      for (const partition of unmarked) {
        if (committed.has(partition) && !this.#options.adoptExistingState) this.#refuse(partition);
        else fresh.push(partition);
      }
      // SET NX: two instances marking the same fresh partition during a rebalance agree
      if (fresh.length > 0) {
        await markKeys(redis, fresh.map(keyOf), String(Date.now()));
      }
    }
    return new Set([...partitions].filter((partition) => this.#lost.has(partition)));
  }

  #refuse(partition: number): void {
    this.#lost.add(partition);
    this.#options.metrics.partitionStateLost.set(this.#lost.size);
    this.#options.logger.error(
      { partition, epochKey: epochKey(this.#options.prefix, this.#options.scopeOf(partition)) },
      'partition refused: the consumer group has committed offsets but Redis holds no epoch for it, so the state behind them is gone (Redis emptied or restarted without its data); not processing it. Restore it with `tidewatch rebuild`, then restart',
    );
  }

  async #partitionsWithCommits(): Promise<Set<number>> {
    const offsets = await this.#options.admin.fetchOffsets({ groupId: this.#options.groupId, topics: [...this.#options.inputTopics] });
    const partitions = new Set<number>();
    for (const { partitions: entries } of offsets) for (const entry of entries) if (entry.offset !== '-1') partitions.add(entry.partition);
    return partitions;
  }

  async #checkPolicy(): Promise<void> {
    const problem = evictionProblem(await maxmemoryPolicy(this.#options.redis));
    if (problem !== this.#evicting) {
      if (problem === undefined) this.#options.logger.info('Redis no longer evicts: processing again');
      else this.#options.logger.error({ problem }, 'Redis evicts keys: not processing anything until its maxmemory-policy is noeviction');
    }
    this.#evicting = problem;
    this.#options.metrics.redisEvicting.set(problem === undefined ? 0 : 1);
  }
}
