import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fuzzRecords, implausibleKinds, interleave, malformedKinds } from './fuzz.ts';
import type { FuzzKind } from './fuzz.ts';
import { chaosInput, chunked, closingRounds } from './input.ts';
import type { ChaosInput } from './input.ts';
import { Harness, keptLogs, Lane, lanes, RefusedToRun } from './lane.ts';
import type { Message } from './lane.ts';
import { compare, formatTable, verdict } from './outcome.ts';
import type { Outcome, Row } from './outcome.ts';
import { chaosHome, CuttableProxy, OwnKafka, OwnRedis, OwnRegistry } from './own-stack.ts';
import { runCliCommand } from '../../test/support/service-process.ts';

/**
 * `npm run chaos`: the real service against the suite's own broker, registry and Redis servers (loopback only),
 * under every fault of issue 11, each compared with one clean pass. Prints one table; exits non-zero only when the
 * suite itself could not run. Sizes: CHAOS_CUSTOMERS (100), CHAOS_MONTHS (2), CHAOS_CHUNKS (12), CHAOS_KILLS_PER_LANE
 * (7, three lanes); CHAOS_ONLY=<lane,...> runs some lanes only; CHAOS_LOGS=<dir> keeps the services' and the broker's logs.
 */
const CUSTOMERS = Number(process.env.CHAOS_CUSTOMERS ?? 100);
const MONTHS = Number(process.env.CHAOS_MONTHS ?? 2);
const KILLS_PER_LANE = Number(process.env.CHAOS_KILLS_PER_LANE ?? 7);
const CHUNKS = Number(process.env.CHAOS_CHUNKS ?? 12);
/** Lanes at once: the kill lanes mostly wait for the group to let a new member in. */
const CONCURRENT_LANES = Number(process.env.CHAOS_CONCURRENCY ?? 5);
const failures: string[] = [];

/** Runs `work` over `items`, at most `limit` at a time, answering in the items' order. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
const log = (text: string) => process.stderr.write(`chaos ${new Date().toISOString().slice(11, 19)} ${text}\n`);

interface Context {
  harness: Harness;
  input: ChaosInput;
  chunks: Message[][];
  sharedRedis: OwnRedis;
  registry: OwnRegistry;
  clean: Outcome;
  cleanDatasetBytes: number;
}

type Fault = (context: Context) => Promise<Row>;

const toMessages = (input: ChaosInput): Message[] => input.transactions.map((record) => ({ key: record.transaction.customerId, value: record.value }));

/** A lane over the standard input; `during(lane, index)` injects the fault before chunk `index` is produced. */
async function runLane(
  context: Context,
  name: string,
  options: { redis?: OwnRedis; serviceRegistryUrl?: string; chunks?: Message[][]; firstEnv?: Record<string, string> },
  during: (lane: Lane, index: number) => Promise<void> = async () => {},
  note: (lane: Lane) => string | Promise<string> = () => '',
): Promise<{ lane: Lane; row: Row }> {
  const redis = options.redis ?? context.sharedRedis;
  const lane = new Lane(name, context.harness, { redisUrl: redis.url, ...(options.serviceRegistryUrl === undefined ? {} : { serviceRegistryUrl: options.serviceRegistryUrl }) });
  await lane.createTopics();
  await lane.produce(lane.topics.profiles, context.input.profiles);
  const started = Date.now();
  try {
    await lane.start(options.firstEnv ?? {}).catch((error: unknown) => {
      // a service that will not start on a store it cannot trust has refused, as it must: not a lane that failed
      const refusals = lane.refusals();
      throw refusals.length > 0 ? new RefusedToRun(refusals.at(-1)!) : error;
    });
    await lane.untilConsumed(lane.topics.profiles);
    await lane.feed(options.chunks ?? context.chunks, (index) => during(lane, index));
    await lane.stopAll();
    const outcome = await lane.outcome(context.input.customerIds);
    const row = compare(name, context.clean, outcome, await note(lane));
    log(`${name}: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return { lane, row };
  } catch (error) {
    if (!(error instanceof RefusedToRun)) throw error;
    // refusing to run on a store it cannot trust is the handled outcome of some faults: the table says so
    log(`${name}: the service refused to run (${error.message})`);
    const outcome = await lane.outcome(context.input.customerIds);
    return { lane, row: { ...compare(name, context.clean, outcome, `refused to run: ${error.message}`), refused: true } };
  } finally {
    await lane.cleanUp();
  }
}

/** kill -9 from the crash hook, deterministically at `point` in the second transaction unit of each life. */
const hookKills =
  (point: 'after-publish' | 'after-store', label: string): Fault =>
  async (context) => {
    const plan = { TIDEWATCH_TEST_CRASH_AT: `${point}:2` };
    const result = await runLane(
      context,
      label,
      { firstEnv: plan },
      async (running) => {
        running.respawn = () => (running.kills() < KILLS_PER_LANE ? plan : {});
      },
      (running) => `${running.kills()} kill -9 ${point === 'after-publish' ? 'between publish and commit' : 'between state write and publish'}`,
    );
    return result.row;
  };

const randomKills: Fault = async (context) =>
  (
    await runLane(
      context,
      'kill -9 at random moments',
      {},
      async (lane, index) => {
        if (index >= 1 && lane.kills() < KILLS_PER_LANE) {
          const [victim] = lane.alive();
          // while the chunk about to be produced is being processed
          if (victim !== undefined) setTimeout(() => void lane.kill(victim), 30 + Math.floor(Math.random() * 400));
        }
      },
      (lane) => `${lane.kills()} kill -9 from outside`,
    )
  ).row;

/** A fault that runs in the background while the chunk is processed; the next chunk waits for it to end. */
function background(): { run(work: () => Promise<void>): void; settled(): Promise<void> } {
  let pending: Promise<void> = Promise.resolve();
  return {
    run(work) {
      pending = sleep(100).then(work);
    },
    settled: () => pending,
  };
}

const redisKilled: Fault = async (context) => {
  const redis = await OwnRedis.create('aof', ['--appendonly', 'yes', '--appendfsync', 'always']);
  const fault = background();
  try {
    return (
      await runLane(context, 'Redis kill -9, 8 s down, restart (AOF)', { redis }, async (_lane, index) => {
        await fault.settled();
        if (index === CHUNKS / 2) fault.run(async () => {
          await redis.kill();
          await sleep(8_000);
          await redis.start();
        });
      })
    ).row;
  } finally {
    await redis.stop();
  }
};

/**
 * Redis emptied under the running service, then the documented recovery: stop the instances, `tidewatch rebuild`
 * (the state behind the committed offsets, from the input topics), start again. The lane's services never sweep
 * timers (an hour's interval), so the rebuild counts none as fired before the loss.
 */
const redisEmptied: Fault = async (context) => {
  const redis = await OwnRedis.create('flushed');
  let rebuilt = '';
  try {
    const { row } = await runLane(context, 'Redis emptied (FLUSHALL) mid-stream, then tidewatch rebuild', { redis }, async (lane, index) => {
      if (index !== CHUNKS / 2) return;
      await redis.command('FLUSHALL');
      await lane.stopAll();
      const rebuild = await runCliCommand(['rebuild', '--timers-until', '1970-01-01T00:00:00Z'], lane.env, 600_000);
      if (rebuild.code !== 0) throw new Error(`tidewatch rebuild exited ${rebuild.code}: ${rebuild.stderr.slice(-400)}`);
      rebuilt = rebuild.stdout.split('\n').find((line) => line.startsWith('rebuilt')) ?? '';
      await lane.start();
    });
    return { ...row, note: [row.note, rebuilt].filter((part) => part !== '').join('; ') };
  } finally {
    await redis.stop();
  }
};

const redisEvicting: Fault = async (context) => {
  // room for about half of what one clean pass stores, on top of an empty server's own memory
  const probe = await OwnRedis.create('probe');
  const empty = await probe.usedMemory();
  await probe.stop();
  const limit = Math.round(empty + context.cleanDatasetBytes * 0.5);
  const redis = await OwnRedis.create('evicting', ['--maxmemory', String(limit), '--maxmemory-policy', 'allkeys-lru']);
  try {
    const { row } = await runLane(context, 'Redis evicting (allkeys-lru, room for half)', { redis });
    const evicted = /evicted_keys:(\d+)/.exec(String(await redis.command('INFO', 'stats')))?.[1] ?? '?';
    return { ...row, note: [row.note, `${evicted} keys evicted`].filter((part) => part !== '').join('; ') };
  } finally {
    await redis.stop();
  }
};

const registryOutage: Fault = async (context) => {
  const port = Number(new URL(context.registry.url).port);
  const proxy = await CuttableProxy.create(port);
  const fault = background();
  try {
    return (
      await runLane(context, 'registry cut off 12 s (twice)', { serviceRegistryUrl: context.registry.url.replace(`:${port}`, `:${proxy.port}`) }, async (_lane, index) => {
        await fault.settled();
        if (index === 0 || index === CHUNKS / 2) fault.run(async () => {
          proxy.cut();
          await sleep(12_000);
          proxy.restore();
        });
      })
    ).row;
  } finally {
    await proxy.close();
  }
};

const rebalance: Fault = async (context) => {
  const fault = background();
  return (
    await runLane(
      context,
      'rebalance 1 → 3 → 2 instances',
      {},
      async (lane, index) => {
        await fault.settled();
        if (index === Math.floor(CHUNKS / 3)) fault.run(async () => void (await Promise.all([lane.start(), lane.start()])));
        if (index === Math.floor((2 * CHUNKS) / 3)) fault.run(async () => void (await lane.alive()[0]?.stop()));
      },
      (lane) => `${lane.processes.length} instances started, 1 stopped`,
    )
  ).row;
};

const brokerRestarts =
  (kafka: OwnKafka): Fault =>
  async (context) => {
    log('broker: started (alone: every lane shares the broker)');
    const fault = background();
    return (
      await runLane(context, 'broker stopped 10 s (SIGTERM), then killed (-9) 10 s', {}, async (_lane, index) => {
        await fault.settled();
        if (index === Math.floor(CHUNKS / 3)) fault.run(async () => {
          await kafka.stop();
          log('broker: stopped (SIGTERM)');
          await sleep(10_000);
          await kafka.start();
          log('broker: started again on its data');
        });
        if (index === Math.floor((2 * CHUNKS) / 3)) fault.run(async () => {
          await kafka.kill();
          log('broker: killed (-9)');
          await sleep(10_000);
          await kafka.start();
          log('broker: started again on its data');
        });
      })
    ).row;
  };

/** Damaged records interleaved with the input; the note says how many of each kind were not dead-lettered. */
const fuzzed =
  (label: string, kinds: readonly FuzzKind[], count: number, seed: number): Fault =>
  async (context) => {
    const damaged = await fuzzRecords(context.input.transactions, kinds, count, seed, context.input.encoders);
    const stream = interleave(context.input.transactions, damaged).map(({ key, value, kind }) => ({ key, value, ...(kind === null ? {} : { headers: { 'chaos.kind': kind } }) }));
    const chunks = [...chunked(stream, Math.ceil(stream.length / CHUNKS)), ...context.chunks.slice(-2)];
    return (await runLane(context, label, { chunks }, undefined, (lane) => fuzzNote(lane))).row;
  };

async function fuzzNote(lane: Lane): Promise<string> {
  const accepted = await lane.notDeadLettered();
  return accepted.size === 0 ? 'all dead-lettered' : `not dead-lettered: ${[...accepted].map(([kind, count]) => `${kind} ${count}`).join(', ')}`;
}

async function main(): Promise<void> {
  const started = Date.now();
  log('starting its own broker, registry and Redis on loopback');
  const [kafka, registry, sharedRedis] = await Promise.all([OwnKafka.create(), OwnRegistry.create(), OwnRedis.create('shared')]);
  const stopAll = async () => {
    for (const lane of lanes) for (const service of lane.alive()) service.child.kill('SIGKILL');
    await Promise.allSettled([kafka.stop(), registry.stop(), sharedRedis.stop()]);
    if (keptLogs !== undefined) kafka.keepLogs(keptLogs);
    rmSync(chaosHome, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll().then(() => process.exit(130)));
  try {
    const harness = await Harness.connect(kafka.brokers, registry.url);
    log(`generating ${CUSTOMERS} customers over ${MONTHS} months`);
    const input = await chaosInput(join(chaosHome, 'bank'), registry.url, CUSTOMERS, MONTHS);
    const closing = await Promise.all(
      closingRounds(input.transactions.map((record) => record.transaction)).map((round) =>
        Promise.all(round.map(async (transaction) => ({ key: transaction.customerId, value: await input.encoders.transaction(transaction) }))),
      ),
    );
    const chunks = [...chunked(toMessages(input), Math.ceil(input.transactions.length / CHUNKS)), ...closing];
    log(`${input.transactions.length} transactions in ${chunks.length} chunks; the clean pass`);

    const cleanRedis = await OwnRedis.create('clean');
    const emptyBytes = await cleanRedis.usedMemory();
    const base = { harness, input, chunks, sharedRedis, registry, clean: { alerts: { rm: [], risk: [], campaign: [] }, states: new Map() }, cleanDatasetBytes: 0 } as Context;
    const cleanLane = new Lane('clean', harness, { redisUrl: cleanRedis.url });
    await cleanLane.createTopics();
    await cleanLane.produce(cleanLane.topics.profiles, input.profiles);
    await cleanLane.start();
    await cleanLane.untilConsumed(cleanLane.topics.profiles);
    await cleanLane.feed(chunks);
    await cleanLane.stopAll();
    const context: Context = { ...base, clean: await cleanLane.outcome(input.customerIds), cleanDatasetBytes: (await cleanRedis.usedMemory()) - emptyBytes };
    await cleanLane.cleanUp();
    await cleanRedis.stop();
    const alertsInClean = Object.values(context.clean.alerts).reduce((sum, list) => sum + list.length, 0);
    log(`clean pass: ${alertsInClean} alert records, ${[...context.clean.states.values()].filter((state) => state !== null).length} customers with state`);

    // side by side: every lane has its own topics, group and keys; the broker fault runs alone afterwards
    const concurrent: Array<[string, Fault]> = [
      ['hook-publish', hookKills('after-publish', 'kill -9 between publish and commit (hook)')],
      ['hook-store', hookKills('after-store', 'kill -9 between state write and publish (hook)')],
      ['kill-random', randomKills],
      ['redis-aof', redisKilled],
      ['redis-flush', redisEmptied],
      ['redis-evict', redisEvicting],
      ['registry', registryOutage],
      ['rebalance', rebalance],
      ['fuzz-malformed', fuzzed(`fuzz: ${6_000} malformed (${malformedKinds.length} kinds)`, malformedKinds, 6_000, 7)],
      ['fuzz-implausible', fuzzed(`fuzz: ${4_000} implausible or re-sent (${implausibleKinds.length} kinds)`, implausibleKinds, 4_000, 8)],
    ];
    const only = process.env.CHAOS_ONLY?.split(',');
    const rows = await pool(only === undefined ? concurrent : concurrent.filter(([name]) => only.includes(name)), CONCURRENT_LANES, async ([name, fault]) => {
      log(`${name}: started`);
      return fault(context).catch((error: unknown) => {
        failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        log(`${name}: could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return undefined;
      });
    });
    if (only === undefined || only.includes('broker')) rows.push(
      await brokerRestarts(kafka)(context).catch((error: unknown) => {
        failures.push(`broker: ${error instanceof Error ? error.message : String(error)}`);
        log(`broker: could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return undefined;
      }),
    );
    await harness.close();

    const measured = rows.filter((row): row is Row => row !== undefined);
    process.stdout.write(`\n${formatTable(measured)}\n\n`);
    process.stdout.write(`${verdict(measured)}\n`);
    for (const failure of failures) process.stdout.write(`could not run: ${failure}\n`);
    process.stdout.write(
      `(${CUSTOMERS} customers, ${MONTHS} months, ${input.transactions.length} transactions in ${chunks.length} chunks, ${alertsInClean} alert records in the clean pass; ${((Date.now() - started) / 60_000).toFixed(1)} min)\n`,
    );
  } finally {
    await stopAll();
  }
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`chaos: the suite could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
