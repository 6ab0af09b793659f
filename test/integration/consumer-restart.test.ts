import { connect } from 'node:net';
import type { Socket } from 'node:net';
import kafkajs from 'kafkajs';
import type { Consumer, ConsumerRunConfig, ISocketFactory } from 'kafkajs';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { watchConsumer } from '../../src/adapters/kafka/consumer-health.ts';
import { createRedis } from '../../src/adapters/redis/client.ts';
import type { RedisClient } from '../../src/adapters/redis/client.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { describeIntegration } from '../support/integration.ts';

const { Kafka, logLevel } = kafkajs;
const FIND_COORDINATOR = 10;

/**
 * Sockets to the real broker, except that the first FindCoordinator request after `arm()` is never sent: its
 * connection is reset instead, as when the broker goes down (a restart, a rolling upgrade) while a consumer looks
 * up its group coordinator. Kafka requests start with their size (int32) and API key (int16), and kafkajs writes
 * each request whole.
 */
function resettingSocketFactory() {
  let armed = false;
  let resets = 0;
  const factory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket: Socket = connect({ host, port }, onConnect);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (armed && Buffer.isBuffer(chunk) && chunk.length >= 6 && chunk.readInt16BE(4) === FIND_COORDINATOR) {
        armed = false;
        resets += 1;
        socket.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
        return true;
      }
      return write(chunk, ...rest);
    }) as Socket['write'];
    return socket;
  };
  return { factory, arm: () => (armed = true), resets: () => resets };
}

/**
 * kafkajs restarts a crashed consumer only when the crash's error is marked retriable. A coordinator lookup whose
 * connection is lost mid-request ends in KafkaJSGroupCoordinatorNotFound, which is not: seen with a real broker
 * stopped (SIGTERM) while its consumer was rejoining the group, the consumer then stayed stopped for good, the
 * process alive. The consumer watch runs it again (src/adapters/kafka/consumer-health.ts).
 */
describeIntegration('a consumer crash kafkajs will not restart', (context) => {
  const topic = context.topic('in');
  let redis: RedisClient;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    await context.createTopics([{ topic, numPartitions: 1 }]);
    redis = createRedis(context.endpoints.redisUrl, createLogger('silent'));
    await redis.connect();
  });

  /** The service's consumer watch, silent, with the restart under test. */
  const watching = (running: Consumer, restart: () => Promise<void>) =>
    watchConsumer(running, { topic, redis, logger: createLogger('silent'), metrics: createMetrics(), onAssigned: () => {}, restart });

  afterEach(async () => {
    await consumer?.disconnect().catch(() => {});
    consumer = undefined;
  });

  afterAll(() => {
    redis?.disconnect();
  });

  it('is run again when a broker going away caused it, and consumes', { timeout: 120_000 }, async () => {
    const sockets = resettingSocketFactory();
    const kafka = new Kafka({ brokers: context.endpoints.kafkaBrokers, clientId: context.namespace, logLevel: logLevel.NOTHING, socketFactory: sockets.factory });
    consumer = kafka.consumer({ groupId: context.groupId('restarted'), sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    const crashes: Array<{ name: string; restart: boolean }> = [];
    consumer.on(consumer.events.CRASH, ({ payload }) => crashes.push({ name: payload.error.name, restart: payload.restart }));
    const consumed: string[] = [];
    const running = consumer;
    const run: ConsumerRunConfig = {
      eachMessage: async ({ message }) => {
        consumed.push(message.value?.toString() ?? '');
      },
    };
    const watch = watching(running, () => running.run(run));

    await running.connect();
    await running.subscribe({ topics: [topic], fromBeginning: true });
    // the group join's coordinator lookup loses its connection
    sockets.arm();
    await running.run(run);
    expect(sockets.resets()).toBe(1);
    expect(crashes).toEqual([{ name: 'KafkaJSGroupCoordinatorNotFound', restart: false }]);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: 'after the crash' }] });
    await producer.disconnect();
    const deadline = Date.now() + 60_000;
    while (consumed.length === 0 && Date.now() < deadline) await new Promise((resolveSleep) => setTimeout(resolveSleep, 100));
    expect(consumed).toEqual(['after the crash']);
    expect(watch.health.live()).toBe(true);
    expect((await watch.health.ready()).checks.kafkaConsumerJoined).toBe(true);
  });

  it('still ends liveness when the crash is of another kind', { timeout: 60_000 }, async () => {
    const kafka = new Kafka({ brokers: context.endpoints.kafkaBrokers, clientId: context.namespace, logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: context.groupId('faulty'), sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    let restarts = 0;
    const running = consumer;
    const watch = watching(running, async () => {
      restarts += 1;
    });
    await running.connect();
    await running.subscribe({ topics: [topic], fromBeginning: true });
    // a fault of ours (kafkajs never retries a TypeError): not a broker condition
    await running.run({
      eachMessage: async () => {
        throw new TypeError('a bug');
      },
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: 'trips the bug' }] });
    await producer.disconnect();
    const deadline = Date.now() + 45_000;
    while (watch.health.live() && Date.now() < deadline) await new Promise((resolveSleep) => setTimeout(resolveSleep, 100));
    expect(watch.health.live()).toBe(false);
    expect(restarts).toBe(0);
  });
});
