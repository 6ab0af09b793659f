import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import type { Admin, ITopicConfig } from 'kafkajs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { ServiceEndpoints } from './endpoints.ts';

const { Kafka, logLevel } = kafkajs;

/**
 * What a suite gets: the real services, and names of its own so that suites running side by side on one broker
 * and one Redis cannot see each other's topics, consumer groups, subjects or keys.
 */
export interface IntegrationContext {
  endpoints: ServiceEndpoints;
  namespace: string;
  topic(name: string): string;
  groupId(name: string): string;
  redisPrefix: string;
  /** Creates the suite's topics; they are deleted when the suite ends. */
  createTopics(topics: ITopicConfig[]): Promise<void>;
}

const services = inject('services');

export function describeIntegration(name: string, body: (context: IntegrationContext) => void): void {
  if (!services.available) {
    // Loud on purpose: a skipped integration suite must never look like a passing one.
    console.warn(`SKIPPED integration suite "${name}": ${services.reason}`);
  }
  describe.skipIf(!services.available)(name, () => {
    if (!services.available) return;
    const endpoints = services.endpoints;
    const namespace = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40)}-${randomBytes(4).toString('hex')}`;
    const createdTopics: string[] = [];
    let admin: Admin | undefined;

    beforeAll(async () => {
      admin = new Kafka({ brokers: endpoints.kafkaBrokers, clientId: `test-${namespace}`, logLevel: logLevel.WARN }).admin();
      await admin.connect();
    });

    afterAll(async () => {
      if (admin !== undefined) {
        if (createdTopics.length > 0) await admin.deleteTopics({ topics: createdTopics }).catch(() => {});
        await admin.disconnect();
      }
      await deleteKeys(endpoints.redisUrl, `tw-test:${namespace}:*`);
    });

    body({
      endpoints,
      namespace,
      topic: (topicName) => `${namespace}.${topicName}`,
      groupId: (group) => `${namespace}.${group}`,
      redisPrefix: `tw-test:${namespace}:`,
      async createTopics(topics) {
        if (admin === undefined) throw new Error('createTopics called before beforeAll');
        // kafkajs' own waitForLeaders gives up on "does not host this topic-partition" (a broker still catching up)
        await admin.createTopics({ topics, waitForLeaders: false });
        createdTopics.push(...topics.map((topic) => topic.topic));
        await untilLeadersKnown(admin, topics.map((topic) => topic.topic));
      },
    });
  });
}

/**
 * Right after a topic is created a broker may still answer "does not host this topic-partition" (seen when suites
 * start side by side on a fresh broker), and kafkajs' waitForLeaders fails on that instead of retrying. Polling the
 * metadata until every partition has a leader removes the race.
 */
async function untilLeadersKnown(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics }).catch(() => undefined);
    const ready = metadata?.topics.every((topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0));
    if (ready === true) return;
    if (Date.now() > deadline) throw new Error(`no leaders for ${topics.join(', ')} after ${timeoutMs} ms`);
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 100));
  }
}

async function deleteKeys(redisUrl: string, pattern: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
