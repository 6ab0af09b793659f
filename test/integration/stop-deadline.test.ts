import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import type { Producer } from 'kafkajs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerValueSchema } from '../support/avro.ts';
import { transaction } from '../support/fixtures.ts';
import { describeIntegration } from '../support/integration.ts';
import { createServiceTopics, serviceEnv, serviceTopics } from '../support/service-env.ts';
import { counterValue, startServiceProcess, waitForStatus } from '../support/service-process.ts';
import { freePort } from '../support/own-redis.ts';
import type { ServiceProcess } from '../support/service-process.ts';

const { Kafka, logLevel, Partitioners } = kafkajs;

/**
 * SIGTERM while Redis does not answer (a redis-server of this suite's own, SIGSTOPped): the batch in hand can never
 * finish, and the service must still exit within its own deadline, non-zero, naming what it left, instead of being
 * killed without a word when the orchestrator's grace period runs out. On the way, the lag gauges show the records
 * the stuck batch holds back.
 */

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 200));
  }
}

/** `tidewatch digest` as its own process, its log lines collected; resolves once it says it is running. */
async function startDigestProcess(env: Record<string, string>): Promise<{ child: ChildProcess; logLines: string[]; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'digest'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, TIDEWATCH_HTTP_PORT: '0', TIDEWATCH_HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logLines: string[] = [];
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  createInterface({ input: child.stderr! }).on('line', (line) => logLines.push(line));
  await new Promise<void>((resolveRunning, reject) => {
    void exited.then((code) => reject(new Error(`digest exited with ${code}:\n${logLines.join('\n')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logLines.push(line);
      if (line.includes('"tidewatch digest running"')) resolveRunning();
    });
  });
  return { child, logLines, exited };
}

describeIntegration('stop deadline with a hung Redis', (context) => {
  const { transactions } = serviceTopics(context);
  const kafka = new Kafka({ brokers: context.endpoints.kafkaBrokers, clientId: context.namespace, logLevel: logLevel.WARN });
  let producer: Producer;
  let redisServer: ChildProcess | undefined;
  let redisPort: number;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    redisPort = await freePort();
    redisServer = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new Redis(redisPort, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
    probe.on('error', () => {});
    await eventually('redis-server', async () => (await probe.ping().catch(() => undefined)) ?? undefined, 30_000);
    probe.disconnect();
    await createServiceTopics(context, 1);
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    if (service?.child.exitCode === null) service.child.kill('SIGKILL');
    // only the redis-server this suite started
    if (redisServer?.pid !== undefined && redisServer.exitCode === null) {
      redisServer.kill('SIGCONT');
      redisServer.kill('SIGKILL');
    }
    await producer?.disconnect();
  });

  it('exits 1 within its deadline, logging the batch in hand, and shows the lag it leaves', { timeout: 180_000 }, async () => {
    const { registry, id } = await registerValueSchema(context.endpoints.schemaRegistryUrl, transactions, 'Transaction.avsc');
    service = await startServiceProcess(
      serviceEnv(context, { REDIS_URL: `redis://127.0.0.1:${redisPort}`, TIDEWATCH_STOP_DEADLINE_MS: '3000', TIDEWATCH_LAG_INTERVAL_MS: '300' }),
    );
    await waitForStatus(`${service.baseUrl}/readyz`, 200);
    const labels = { topic: transactions, partition: '0' };
    const scrape = async () => (await fetch(`${service!.baseUrl}/metrics`)).text();

    await producer.send({ topic: transactions, messages: [{ key: 'c-1', value: await registry.encode(id, transaction({ transactionId: 't-1' })) }] });
    await eventually('the first record processed, lag 0', async () => {
      const text = await scrape();
      const processed = counterValue(text, 'tidewatch_batches_total', { topic: transactions }) >= 1;
      return processed && text.includes(`tidewatch_consumer_lag_records{topic="${transactions}",partition="0"} 0`) ? true : undefined;
    });
    expect(counterValue(await scrape(), 'tidewatch_oldest_unprocessed_record_age_seconds', labels)).toBe(0);

    // Redis stops answering; the next batch hangs on it
    redisServer!.kill('SIGSTOP');
    await producer.send({
      topic: transactions,
      messages: await Promise.all(['t-2', 't-3'].map(async (transactionId) => ({ key: 'c-1', value: await registry.encode(id, transaction({ transactionId })) }))),
    });
    const stuck = await eventually('lag 2 and a waiting record', async () => {
      const text = await scrape();
      const lag = counterValue(text, 'tidewatch_consumer_lag_records', labels);
      const age = counterValue(text, 'tidewatch_oldest_unprocessed_record_age_seconds', labels);
      return lag === 2 && age > 0 ? { lag, age } : undefined;
    });
    expect(stuck.lag).toBe(2);

    const exitCode = await service.stop();
    expect(exitCode).toBe(1);
    const deadlineLine = service.logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry['msg'] === 'stop deadline passed; exiting with work left');
    expect(deadlineLine).toMatchObject({ deadlineMs: 3000, batchesInHand: [{ topic: transactions, partition: 0 }] });
    expect(deadlineLine?.['left']).toContain('batch in hand (publish, commit)');
    expect(service.logLines.some((line) => line.includes('tidewatch stopped'))).toBe(false);
  });

  it('the digest stage too: exits 1 within its deadline once Redis stops answering', { timeout: 120_000 }, async () => {
    // the test above leaves Redis stopped: it answers again while the stage starts (it connects at start)
    redisServer!.kill('SIGCONT');
    const { child, logLines, exited } = await startDigestProcess(
      serviceEnv(context, { REDIS_URL: `redis://127.0.0.1:${redisPort}`, TIDEWATCH_STOP_DEADLINE_MS: '2000', TIDEWATCH_DIGEST_INTERVAL_MS: '200' }),
    );
    redisServer!.kill('SIGSTOP');
    child.kill('SIGTERM');
    expect(await exited).toBe(1);
    const deadlineLine = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry['msg'] === 'stop deadline passed; exiting with work left');
    expect(deadlineLine).toMatchObject({ deadlineMs: 2000 });
    expect(deadlineLine?.['left']).toContain('redis');
    expect(logLines.some((line) => line.includes('tidewatch digest stopped'))).toBe(false);
  });
});
