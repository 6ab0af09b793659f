import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStateStore } from '../../src/adapters/redis/state-store.ts';
import { runReplay } from '../../src/replay/run.ts';
import { describeIntegration } from '../support/integration.ts';
import { quietOutput, replayRequest } from '../support/replay-request.ts';
import { generateFiles } from '../unit/generate/files-fixture.ts';
import type { GeneratedFiles } from '../unit/generate/files-fixture.ts';
import { bankInput, replay, smallBank } from '../unit/replay/fixtures.ts';
import { berkaSample, requireBerkaSample, runBerkaTests } from '../support/berka.ts';

const berka = berkaSample ?? '';
const quiet = quietOutput;
const request = (input: string, out: string, redis: string | null) => replayRequest({ input }, out, { redis });

async function keysUnder(redisUrl: string, pattern: string): Promise<string[]> {
  const redis = new Redis(redisUrl);
  try {
    return await redis.keys(pattern);
  } finally {
    redis.disconnect();
  }
}

describeIntegration('replay on redis', (context) => {
  let folder: string;
  let files: GeneratedFiles;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tidewatch-replay-redis-'));
    files = await generateFiles(smallBank({ months: 4 }));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
    await files.remove();
  });

  it('publishes exactly what the in-memory store does, batch after batch (the engine in-process)', async () => {
    const inMemory = bankInput(smallBank());
    const expected = await replay(inMemory.source, { profiles: inMemory.profiles });
    const client = new Redis(context.endpoints.redisUrl);
    const store = new RedisStateStore(client, { prefix: `${context.redisPrefix}engine:`, stateTtlSeconds: 3_600 });
    try {
      const onRedis = bankInput(smallBank());
      const actual = await replay(onRedis.source, { profiles: onRedis.profiles, store, chunkSize: 500 });
      expect(expected.lines.length).toBeGreaterThan(50);
      expect(actual.lines.join('\n')).toBe(expected.lines.join('\n'));
      expect(actual.summary.timersFired).toBe(expected.summary.timersFired);
    } finally {
      await store.close();
    }
  });

  it('`--redis` writes the same alert file as memory, and leaves no key behind', async () => {
    const inMemory = join(folder, 'memory.jsonl');
    const onRedis = join(folder, 'redis.jsonl');
    await runReplay(request(files.folder, inMemory, null), quiet);
    const { notes } = await runReplay(request(files.folder, onRedis, context.endpoints.redisUrl), quiet);
    const bytes = await readFile(inMemory);
    expect(bytes.length).toBeGreaterThan(0);
    expect((await readFile(onRedis)).equals(bytes)).toBe(true);
    const prefix = /prefix (tw-replay:[0-9a-f]+:)/.exec(notes.store)?.[1];
    expect(prefix).toBeDefined();
    expect(await keysUnder(context.endpoints.redisUrl, `${prefix}*`)).toEqual([]);
  });

  it.skipIf(!runBerkaTests)('replays the PKDD\'99 sample on Redis as in memory', async () => {
    requireBerkaSample();
    const inMemory = join(folder, 'berka-memory.jsonl');
    const onRedis = join(folder, 'berka-redis.jsonl');
    const memory = await runReplay({ ...request(berka, inMemory, null), input: { input: berka, format: 'berka' } }, quiet);
    const redis = await runReplay({ ...request(berka, onRedis, context.endpoints.redisUrl), input: { input: berka, format: 'berka' } }, quiet);
    expect(redis.summary.publishedRecords).toBe(memory.summary.publishedRecords);
    expect((await readFile(onRedis)).equals(await readFile(inMemory))).toBe(true);
  }, 120_000);
});
