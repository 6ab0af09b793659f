import { EventEmitter } from 'node:events';
import kafkajs from 'kafkajs';
import type { Consumer } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { isBrokerCondition, MAX_RESTARTS_WITHOUT_JOIN, restartDelayMs, watchConsumer } from '../../src/adapters/kafka/consumer-health.ts';
import type { RedisClient } from '../../src/adapters/redis/client.ts';
import { createMetrics } from '../../src/observability/metrics.ts';

const {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSSASLAuthenticationError,
} = kafkajs;

/** kafkajs' consumer as the watch uses it: its instrumentation events. */
function fakeConsumer() {
  const emitter = new EventEmitter();
  const events = { FETCH_START: 'fetch_start', FETCH: 'fetch', HEARTBEAT: 'heartbeat', GROUP_JOIN: 'group_join', CRASH: 'crash' };
  const consumer = { events, on: (event: string, listener: (event: unknown) => void) => emitter.on(event, listener) };
  return {
    consumer: consumer as unknown as Consumer,
    join: () => emitter.emit('group_join', { payload: { memberAssignment: { t: [0] } } }),
    crash: (error: Error, restart: boolean) => emitter.emit('crash', { payload: { error, groupId: 'g', restart } }),
  };
}

/** A watch whose restarts are counted and whose waits are held until `runScheduled`. */
function watched(withRestart = true) {
  const fake = fakeConsumer();
  const scheduled: Array<{ run: () => void; ms: number }> = [];
  let restarts = 0;
  let failRestart = false;
  const watch = watchConsumer(fake.consumer, {
    topic: 't',
    redis: { ping: async () => 'PONG' } as unknown as RedisClient,
    logger: pino({ level: 'silent' }),
    metrics: createMetrics(),
    onAssigned: () => {},
    ...(withRestart && {
      restart: async () => {
        restarts += 1;
        if (failRestart) throw new Error('cannot run');
      },
    }),
    schedule: (run, ms) => scheduled.push({ run, ms }),
  });
  const runScheduled = async () => {
    for (const { run } of scheduled.splice(0)) run();
    await new Promise((resolveTurn) => setImmediate(resolveTurn));
  };
  return { ...fake, watch, scheduled, runScheduled, restarts: () => restarts, failRestarts: () => (failRestart = true) };
}

/** kafkajs' typings give these no arguments; at run time they take the message as every KafkaJSError does. */
const withMessage = (type: unknown, message: string) => new (type as new (message: string) => Error)(message);
const coordinatorLost = () => withMessage(KafkaJSGroupCoordinatorNotFound, 'Failed to find group coordinator');
/** As kafkajs' retrier wraps what it gives up on (its typings know only the message argument). */
const NonRetriable = KafkaJSNonRetriableError as unknown as new (error: Error, metadata: { cause: Error }) => Error;
const nonRetriable = (cause: Error) => new NonRetriable(cause, { cause });
const RetriesExceeded = KafkaJSNumberOfRetriesExceeded as unknown as new (error: Error, metadata: { retryCount: number; retryTime: number; cause: Error }) => Error;
/** As kafkajs decodes a broker's error code (its typings know only the message argument). */
const protocolError = (type: string, code: number, retriable: boolean) => new KafkaJSProtocolError({ message: type, type, code, retriable } as unknown as Error);

describe('isBrokerCondition', () => {
  it('knows a coordinator lookup that lost its broker, and broker conditions under kafkajs wrappers', () => {
    expect(isBrokerCondition(coordinatorLost())).toBe(true);
    expect(isBrokerCondition(nonRetriable(coordinatorLost()))).toBe(true);
    expect(isBrokerCondition(nonRetriable(new KafkaJSConnectionError('Connection error: read ECONNRESET')))).toBe(true);
    const timeout = new KafkaJSConnectionError('Connection timeout');
    expect(isBrokerCondition(new RetriesExceeded(timeout, { retryCount: 5, retryTime: 1000, cause: timeout }))).toBe(true);
  });

  it('knows the group protocol errors of a coordinator that moved or restarted, even those kafkajs marks non-retriable', () => {
    expect(isBrokerCondition(protocolError('GROUP_LOAD_IN_PROGRESS', 14, true))).toBe(true);
    expect(isBrokerCondition(nonRetriable(protocolError('REBALANCE_IN_PROGRESS', 27, false)))).toBe(true);
    expect(isBrokerCondition(protocolError('UNKNOWN_MEMBER_ID', 25, false))).toBe(true);
  });

  it('leaves faults of ours, authentication and authorization to the orchestrator', () => {
    expect(isBrokerCondition(new TypeError('x is undefined'))).toBe(false);
    expect(isBrokerCondition(nonRetriable(new TypeError('x')))).toBe(false);
    expect(isBrokerCondition(withMessage(KafkaJSSASLAuthenticationError, 'SASL SCRAM SHA512 authentication failed'))).toBe(false);
    expect(isBrokerCondition(protocolError('GROUP_AUTHORIZATION_FAILED', 30, false))).toBe(false);
    expect(isBrokerCondition(new KafkaJSError('Unsupported partition assigner', { retriable: false }))).toBe(false);
    expect(isBrokerCondition('not an error')).toBe(false);
  });
});

describe('watchConsumer after a crash', () => {
  it('leaves a crash kafkajs restarts itself to kafkajs', () => {
    const { crash, watch, scheduled } = watched();
    crash(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'), true);
    expect(scheduled).toHaveLength(0);
    expect(watch.health.live()).toBe(true);
  });

  it('runs the consumer again after a broker condition kafkajs will not restart, and stays alive', async () => {
    const { crash, join, watch, scheduled, runScheduled, restarts } = watched();
    crash(coordinatorLost(), false);
    expect(watch.health.live()).toBe(true);
    expect(scheduled.map(({ ms }) => ms)).toEqual([restartDelayMs(1)]);
    expect(restarts()).toBe(0);
    await runScheduled();
    expect(restarts()).toBe(1);
    join();
    expect((await watch.health.ready()).checks.kafkaConsumerJoined).toBe(true);
  });

  it('backs off while the restarts do not bring the consumer back, and gives liveness up past the limit', async () => {
    const { crash, watch, scheduled, runScheduled, restarts } = watched();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= MAX_RESTARTS_WITHOUT_JOIN; attempt++) {
      crash(coordinatorLost(), false);
      delays.push(...scheduled.map(({ ms }) => ms));
      await runScheduled();
      expect(watch.health.live()).toBe(true);
    }
    expect(restarts()).toBe(MAX_RESTARTS_WITHOUT_JOIN);
    expect(delays.slice(0, 4)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(Math.max(...delays)).toBe(30_000);
    crash(coordinatorLost(), false);
    expect(scheduled).toHaveLength(0);
    expect(watch.health.live()).toBe(false);
  });

  it('counts the restarts in a row only: a join in between starts the count again', async () => {
    const { crash, join, watch, scheduled, runScheduled } = watched();
    for (let round = 0; round < 3 * MAX_RESTARTS_WITHOUT_JOIN; round++) {
      crash(coordinatorLost(), false);
      await runScheduled();
      join();
    }
    expect(scheduled).toHaveLength(0);
    expect(watch.health.live()).toBe(true);
  });

  it('ends liveness at once for a crash of another kind', () => {
    const { crash, watch, scheduled } = watched();
    crash(nonRetriable(new TypeError('a bug')), false);
    expect(scheduled).toHaveLength(0);
    expect(watch.health.live()).toBe(false);
  });

  it('ends liveness as before where no restart is given', () => {
    const { crash, watch, scheduled } = watched(false);
    crash(coordinatorLost(), false);
    expect(scheduled).toHaveLength(0);
    expect(watch.health.live()).toBe(false);
  });

  it('does not restart a consumer of a process that is stopping', async () => {
    const { crash, watch, runScheduled, restarts } = watched();
    crash(coordinatorLost(), false);
    watch.stopping();
    await runScheduled();
    expect(restarts()).toBe(0);
  });

  it('ends liveness when the consumer cannot be run again', async () => {
    const { crash, watch, runScheduled, failRestarts } = watched();
    failRestarts();
    crash(coordinatorLost(), false);
    await runScheduled();
    expect(watch.health.live()).toBe(false);
  });
});
