import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { valueSubject } from '../src/adapters/registry/schemas.ts';
import type { BenchNames } from './names.ts';

/** SCAN + UNLINK of every key under the prefix (UNLINK frees memory off the main thread). */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) deleted += await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}

/** The run's topics and consumer groups; groups still in use (a consumer that did not stop) are left alone. */
export async function deleteKafkaResources(admin: Admin, names: BenchNames): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const topics = Object.values(names.topics).filter((topic) => existing.has(topic));
  if (topics.length > 0) await admin.deleteTopics({ topics });
  await admin.deleteGroups([...Object.values(names.groups), ...names.rawConsumeGroups]).catch(() => []);
}

/** The value subjects registered for the run's topics: soft delete, then permanent (Confluent API semantics). */
export async function deleteSubjects(registryUrl: string, names: BenchNames): Promise<void> {
  const base = registryUrl.replace(/\/+$/, '');
  for (const topic of Object.values(names.topics)) {
    const url = `${base}/subjects/${encodeURIComponent(valueSubject(topic))}`;
    for (const suffix of ['', '?permanent=true']) {
      await fetch(`${url}${suffix}`, { method: 'DELETE', signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    }
  }
}
