import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Redis server in process memory, as far as RedisStateStore uses one on a standalone server (its pipelines, the
 * multi-key commands and its Lua scripts, reimplemented here): for the instruction-count harness only
 * (bench/pipeline-harness.ts), so that a unit of work counts the store's own client-side code (keys, arguments,
 * encoding, reply checks) and no socket, ioredis or server. Integration tests use the real Redis, never this.
 * No TTLs: nothing expires within a harness run.
 */
export class FakeRedis {
  readonly strings = new Map<string, Buffer>();
  readonly sets = new Map<string, Set<string>>();
  readonly sortedSets = new Map<string, Map<string, number>>();

  /** The client RedisStateStore is handed (a Redis in its eyes: not a Cluster). */
  client(): Redis {
    const client = {
      defineCommand: () => undefined,
      pipeline: () => new FakePipeline(this),
      quit: async () => 'OK',
    };
    return client as unknown as Redis;
  }

  /** Everything held, as JSON-able text sorted by key: what a harness run leaves, to compare two versions of the code. */
  dump(): FakeRedisDump {
    return {
      strings: [...this.strings].sort(byKey).map(([key, value]) => [key, value.toString('base64')]),
      sets: [...this.sets].sort(byKey).map(([key, members]) => [key, [...members].sort()]),
      sortedSets: [...this.sortedSets].sort(byKey).map(([key, members]) => [key, [...members].sort(byKey)]),
    };
  }

  load(dump: FakeRedisDump): void {
    for (const [key, value] of dump.strings) this.strings.set(key, Buffer.from(value, 'base64'));
    for (const [key, members] of dump.sets) this.sets.set(key, new Set(members));
    for (const [key, members] of dump.sortedSets) this.sortedSets.set(key, new Map(members));
  }

  /** SHA-256 of the dump: the stored bytes of every key. */
  digest(): string {
    return createHash('sha256').update(JSON.stringify(this.dump())).digest('hex');
  }

  stringOf(key: string): Buffer | null {
    return this.strings.get(key) ?? null;
  }
}

export interface FakeRedisDump {
  strings: Array<[string, string]>;
  sets: Array<[string, string[]]>;
  sortedSets: Array<[string, Array<[string, number]>]>;
}

const byKey = <T>(a: [string, T], b: [string, T]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

type Arg = string | Buffer | number;

/** The `<rev>` of a stored `<rev>|...` value, as the scripts read it ('0' when absent). */
function storedRev(value: Buffer | null): string {
  if (value === null) return '0';
  const bar = value.indexOf(0x7c);
  if (bar < 0) throw new Error('holds no revision prefix');
  return value.toString('latin1', 0, bar);
}

class FakePipeline {
  readonly #redis: FakeRedis;
  readonly #commands: Array<() => unknown> = [];

  constructor(redis: FakeRedis) {
    this.#redis = redis;
  }

  async exec(): Promise<Array<[Error | null, unknown]>> {
    return this.#commands.map((command) => {
      try {
        return [null, command()];
      } catch (error) {
        return [error instanceof Error ? error : new Error(String(error)), null];
      }
    });
  }

  #queue(command: () => unknown): this {
    this.#commands.push(command);
    return this;
  }

  getBuffer(key: string): this {
    return this.#queue(() => this.#redis.stringOf(key));
  }

  get(key: string): this {
    return this.#queue(() => this.#redis.stringOf(key)?.toString('utf8') ?? null);
  }

  mgetBuffer(...keys: string[]): this {
    return this.#queue(() => keys.map((key) => this.#redis.stringOf(key)));
  }

  set(key: string, value: Buffer): this {
    return this.#queue(() => {
      this.#redis.strings.set(key, Buffer.from(value));
      return 'OK';
    });
  }

  del(...keys: string[]): this {
    return this.#queue(() => keys.filter((key) => this.#redis.strings.delete(key) || this.#redis.sets.delete(key) || this.#redis.sortedSets.delete(key)).length);
  }

  sadd(key: string, ...members: string[]): this {
    return this.#queue(() => {
      const set = this.#redis.sets.get(key) ?? new Set<string>();
      this.#redis.sets.set(key, set);
      const before = set.size;
      for (const member of members) set.add(member);
      return set.size - before;
    });
  }

  srem(key: string, ...members: string[]): this {
    return this.#queue(() => members.filter((member) => this.#redis.sets.get(key)?.delete(member) === true).length);
  }

  smembers(key: string): this {
    return this.#queue(() => [...(this.#redis.sets.get(key) ?? [])]);
  }

  /** ZADD key [GT] score member ...: GT only raises a member's score. */
  zadd(key: string, ...args: Array<string | number>): this {
    return this.#queue(() => {
      const greaterOnly = args[0] === 'GT';
      const pairs = greaterOnly ? args.slice(1) : args;
      const set = this.#redis.sortedSets.get(key) ?? new Map<string, number>();
      this.#redis.sortedSets.set(key, set);
      let added = 0;
      for (let at = 0; at + 1 < pairs.length; at += 2) {
        const score = Number(pairs[at]);
        const member = String(pairs[at + 1]);
        const stored = set.get(member);
        if (stored === undefined) added += 1;
        if (stored === undefined || !greaterOnly || score > stored) set.set(member, score);
      }
      return added;
    });
  }

  zrem(key: string, ...members: string[]): this {
    return this.#queue(() => members.filter((member) => this.#redis.sortedSets.get(key)?.delete(member) === true).length);
  }

  /** ZRANGE key min max BYSCORE LIMIT offset count WITHSCORES (scores as the server's decimal text). */
  zrange(key: string, min: string, max: string, _byScore: 'BYSCORE', _limit: 'LIMIT', offset: number, count: number): this {
    return this.#queue(() => {
      const low = min === '-inf' ? -Infinity : Number(min);
      const high = max === '+inf' ? Infinity : Number(max);
      const members = [...(this.#redis.sortedSets.get(key) ?? [])]
        .filter(([, score]) => score >= low && score <= high)
        .sort(([a, x], [b, y]) => x - y || (a < b ? -1 : a > b ? 1 : 0))
        .slice(offset, offset + count);
      return members.flatMap(([member, score]) => [member, String(score)]);
    });
  }

  /** COMMIT_STATES_LUA of RedisStateStore: fences, then every revision checked, then the writes. */
  tidewatchCommitStates(numberOfKeys: number, ...keysAndArgs: Arg[]): this {
    return this.#queue(() => {
      const keys = keysAndArgs.slice(0, numberOfKeys).map(String);
      const argv = keysAndArgs.slice(numberOfKeys);
      const fences = Number(argv[1]);
      for (let index = 0; index < fences; index += 1) {
        if (this.#redis.stringOf(keys[index]!)?.toString('utf8') !== String(argv[2 + index])) return [index + 1];
      }
      const results: number[] = [0];
      const stored = keys.slice(fences).map((key) => storedRev(this.#redis.stringOf(key)));
      let at = 2 + fences;
      keys.slice(fences).forEach((key, index) => {
        if (stored[index] === String(argv[at])) {
          const value = argv[at + 1];
          this.#redis.strings.set(key, Buffer.isBuffer(value) ? Buffer.from(value) : Buffer.from(String(value)));
          results.push(1);
        } else results.push(0);
        at += 2;
      });
      return results;
    });
  }

  /** COMMIT_STATE_LUA: one conditional write. */
  tidewatchCommitState(key: string, expectedRev: string, value: Buffer): this {
    return this.#queue(() => {
      if (storedRev(this.#redis.stringOf(key)) !== expectedRev) return 0;
      this.#redis.strings.set(key, Buffer.from(value));
      return 1;
    });
  }

  /** CLAIM_PARTITIONS_LUA: each owner key raised by one, with whether the claimant's previous generation stood. */
  tidewatchClaimPartitions(numberOfKeys: number, ...keysAndArgs: string[]): this {
    return this.#queue(() => {
      const out: number[] = [];
      for (let index = 0; index < numberOfKeys; index += 1) {
        const key = keysAndArgs[index]!;
        const previous = keysAndArgs[numberOfKeys + index] ?? '';
        const stored = this.#redis.stringOf(key)?.toString('utf8') ?? null;
        const generation = Number(stored ?? '0') + 1;
        this.#redis.strings.set(key, Buffer.from(String(generation)));
        out.push(generation, previous !== '' && stored === previous ? 1 : 0);
      }
      return out;
    });
  }

  /** LOAD_HOUSEHOLDS_LUA: per household its member count, then per member its id, state and profile. */
  tidewatchLoadHouseholdsBuffer(numberOfKeys: number, ...keysAndArgs: string[]): this {
    return this.#queue(() => {
      const [stateBefore, stateAfter, profileBefore, profileAfter] = keysAndArgs.slice(numberOfKeys);
      const out: unknown[] = [];
      for (const key of keysAndArgs.slice(0, numberOfKeys)) {
        const members = [...(this.#redis.sets.get(key) ?? [])];
        out.push(members.length);
        for (const id of members) {
          out.push(Buffer.from(id), this.#redis.stringOf(`${stateBefore}${id}${stateAfter}`), this.#redis.stringOf(`${profileBefore}${id}${profileAfter}`));
        }
      }
      return out;
    });
  }
}
