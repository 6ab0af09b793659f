/**
 * `npm run bench`: tidewatch against the real stack (Kafka, schema registry, Redis) on a synthetic bank, the
 * service as its own OS process (`tidewatch run`; `BENCH_IN_PROCESS=1`: inside this one). Prints a table and a JSON
 * line; never fails on a figure, only when something does not work.
 * Phases: generate + produce, raw consume baseline, end-to-end at saturation, latency at a paced rate, the
 * anatomy of one batch (in this process), Redis memory per customer. Everything the run created is removed at the end.
 */
import { resolve } from 'node:path';
import { AlertReader } from './alert-reader.ts';
import { measureRawConsume, measureRawConsumePlatformatic } from './baseline.ts';
import { measureBatchAnatomy } from './batch-anatomy.ts';
import { CleanupStack } from './cleanup-stack.ts';
import { ALTERNATIVE_CLIENT, compareClients } from './client-comparison.ts';
import { BENCH_USAGE, benchCommand, benchConfig } from './config.ts';
import { PhaseProfiler, phaseRunner } from './cpu-profile.ts';
import { startInProcess } from './in-process-service.ts';
import { totalOf } from './kafka.ts';
import { measureLatency } from './latency.ts';
import { liveInputProblems } from './live-checks.ts';
import { LiveTraffic } from './live-traffic.ts';
import { rawConsumeGroup, serviceEnvironment, serviceVariables } from './names.ts';
import { say } from './progress.ts';
import { seededRandom } from './random.ts';
import { measureRedisMemory } from './redis-memory.ts';
import { formatJson, formatTable } from './report.ts';
import type { BenchResults } from './report.ts';
import { startRssSampler } from './rss.ts';
import { loadDataSet, prepareRun } from './run-context.ts';
import { measureSaturation } from './saturation.ts';
import type { ServiceHandle } from './service-handle.ts';
import { serviceGroup } from './service-group.ts';
import { startServiceProcess } from './service-process.ts';

const LIVE_TICK_MS = 4;
const MiB = 1024 * 1024;
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');

/** Samples the service process's resident set while a phase runs; nothing to sample when it runs in this process. */
const serviceRssSampler = (service: ServiceHandle) => {
  const info = service.process;
  return info === undefined ? undefined : startRssSampler(() => info.residentBytes());
};

async function runBench(cleanup: CleanupStack): Promise<Omit<BenchResults, 'totalMilliseconds'>> {
  const config = benchConfig(process.env);
  const run = await prepareRun(config, cleanup);
  const { names, admin } = run;
  const loaded = await loadDataSet(run);
  const profiler = config.BENCH_CPU_PROFILE === undefined ? undefined : await PhaseProfiler.start(config.BENCH_CPU_PROFILE);
  if (profiler !== undefined) cleanup.push('close the profiler', async () => profiler.close());
  const phase = phaseRunner(profiler, (file) => say(`cpu profile: ${file}`));

  // the topic must hold what was produced, or every figure below measures another input
  const onTopic = totalOf(loaded.ends.transactions);
  if (onTopic !== loaded.transactions) throw new Error(`the transactions topic holds ${onTopic} records where ${loaded.transactions} were produced`);
  const withAlternative = config.BENCH_ALT_CLIENT !== 'none';
  say(`baseline: raw consume of the transactions topic by kafkajs${withAlternative ? ` and ${ALTERNATIVE_CLIENT}` : ''}, ${config.BENCH_RAW_ROUNDS} round(s) each`);
  const clients = await phase('baseline', () =>
    compareClients({
      consumers: {
        kafkajs: (target) => measureRawConsume(run.kafka, target),
        alternative: (target) => measureRawConsumePlatformatic(run.services.endpoints.kafkaBrokers, `tw-bench-${names.runId}-alt`, target),
      },
      topic: names.topics.transactions,
      expected: onTopic,
      timeoutMs: config.BENCH_RAW_TIMEOUT_SECONDS * 1000,
      rounds: config.BENCH_RAW_ROUNDS,
      withAlternative,
      groupFor: (client, round) => rawConsumeGroup(names.runId, client, round),
      say,
    }),
  );
  const { baseline } = clients;
  say(`baseline: kafkajs ${thousands(baseline.perSecond)} events/s (best of ${clients.kafkajsRounds.length})${clients.alternative.best === null ? '' : `, ${ALTERNATIVE_CLIENT} ${thousands(clients.alternative.best.perSecond)} events/s = ${clients.alternative.ratioToKafkajs.toFixed(2)} × kafkajs`}`);

  const inProcess = config.BENCH_IN_PROCESS;
  const instances = config.BENCH_INSTANCES;
  say(`saturation: starting the service ${inProcess ? 'in-process' : instances > 1 ? `as ${instances} processes in one consumer group (tidewatch run)` : 'as its own process (tidewatch run)'} on the pre-filled topics`);
  const saturationRss = startRssSampler();
  const variables = serviceVariables(run.services.endpoints, names);
  const env = serviceEnvironment(variables);
  const cpuProfileDirectory = config.BENCH_CPU_PROFILE === undefined ? undefined : resolve(config.BENCH_CPU_PROFILE);
  const { service, saturation, serviceSaturationPeakRss } = await phase('saturation', async () => {
    const startedAt = performance.now();
    const started = inProcess ? await startInProcess(env) : await startServiceProcesses(instances, variables, cpuProfileDirectory);
    cleanup.push('stop the service', () => started.stop());
    const serviceRss = serviceRssSampler(started);
    const topics = { transactions: names.topics.transactions, profiles: names.topics.profiles };
    const deadlineMs = config.BENCH_SATURATION_DEADLINE_SECONDS * 1000;
    const measured = await measureSaturation(admin, { service: started, startedAt, group: names.groups.service, topics, ends: loaded.ends, deadlineMs });
    return { service: started, saturation: measured, serviceSaturationPeakRss: await serviceRss?.stop() };
  });
  const saturationPeakRss = await saturationRss.stop();
  say(`saturation: ${thousands(saturation.perSecond)} events/s over ${(saturation.milliseconds / 1000).toFixed(1)}s`);

  say(`latency: ${thousands(config.BENCH_RATE)} events/s for ${config.BENCH_LIVE_SECONDS}s, ${config.BENCH_ALERT_SHARE * 100}% designed to alert`);
  const reader = await AlertReader.start(run.kafka, run.services.endpoints.schemaRegistryUrl, names.topics.rmAlerts, names.groups.alertReader);
  cleanup.push('stop the alert reader', () => reader.stop());
  const traffic = new LiveTraffic(loaded.dataSet, config.BENCH_ALERT_SHARE);
  const setup = { admin, service, serviceGroup: names.groups.service, reader, alertsTopic: names.topics.rmAlerts, producer: run.producer, target: run.transactionsTarget, traffic };
  const pacing = { perSecond: config.BENCH_RATE, durationMs: config.BENCH_LIVE_SECONDS * 1000, tickMs: LIVE_TICK_MS };
  const latencyRss = startRssSampler();
  const serviceLatencyRss = serviceRssSampler(service);
  const latency = await phase('latency', () => measureLatency(setup, pacing));
  const latencyPeakRss = await latencyRss.stop();
  const serviceLatencyPeakRss = await serviceLatencyRss?.stop();
  say(`latency: p50 ${latency.p50Ms.toFixed(1)} ms, p99 ${latency.p99Ms.toFixed(1)} ms over ${latency.samples} alerts`);

  // the service process is done with: its peak RSS, then SIGTERM and exit 0 (the anatomy needs only its Redis state)
  let serviceProcess: BenchResults['serviceProcess'] = null;
  if (service.process !== undefined) {
    const highWater = await service.process.peakResidentBytes();
    const sampledPeak = Math.max(serviceSaturationPeakRss ?? 0, serviceLatencyPeakRss ?? 0);
    say(`stopping the service process ${service.process.pid} (SIGTERM)`);
    const stoppingAt = performance.now();
    await service.stop();
    // the kernel updates VmHWM lazily: a sample may have seen a little more
    const peak = Math.max(highWater ?? 0, sampledPeak);
    serviceProcess = {
      pid: service.process.pid,
      peakRssMiB: peak / MiB,
      peakRssSource: highWater !== undefined && highWater >= sampledPeak ? 'VmHWM' : 'sampled',
      saturationPeakRssMiB: (serviceSaturationPeakRss ?? Number.NaN) / MiB,
      latencyPeakRssMiB: (serviceLatencyPeakRss ?? Number.NaN) / MiB,
      stopMilliseconds: performance.now() - stoppingAt,
      exitCode: 0,
    };
    say(`service process: peak RSS ${serviceProcess.peakRssMiB.toFixed(0)} MiB, exited 0 ${serviceProcess.stopMilliseconds.toFixed(0)} ms after SIGTERM`);
    if (cpuProfileDirectory !== undefined) say(`cpu profile: ${resolve(cpuProfileDirectory, 'service.cpuprofile')}`);
  }

  say("batch anatomy: the service's batch handler on live-like batches, adapters timed");
  const anatomyPrefix = `${names.redisPrefix}anatomy:`;
  const anatomy = await phase('anatomy', () => measureBatchAnatomy({ env, redis: run.redis, producer: run.producer, target: run.transactionsTarget, traffic, prefix: anatomyPrefix }));

  const customerIds = loaded.dataSet.customers.map((plan) => plan.customerId);
  const redisMemory = await measureRedisMemory(run.redis, names.redisPrefix, customerIds, seededRandom(config.BENCH_SEED + 1), config.BENCH_MEMORY_SAMPLE);

  const perEvent = (amount: number, records: number) => (records === 0 ? Number.NaN : amount / records);
  const perBatch = (records: number, batches: number) => (batches === 0 ? Number.NaN : records / batches);
  return {
    runId: names.runId,
    services: run.services.source,
    config,
    dataSet: {
      customers: loaded.dataSet.customers.length,
      profiles: loaded.profiles,
      transactions: loaded.transactions,
      days: config.BENCH_DAYS,
      rmAlertsFromHistory: saturation.counters.rmAlerts,
    },
    produce: { milliseconds: loaded.produceMs, perSecond: (loaded.profiles + loaded.transactions) / (loaded.produceMs / 1000) },
    baseline,
    clients,
    saturation: {
      ...saturation,
      ratioToBaseline: saturation.perSecond / baseline.perSecond,
      roundTripsPerEvent: perEvent(saturation.counters.redisRoundTrips, saturation.counters.recordsConsumed),
      cpuMicrosecondsPerEvent: perEvent(saturation.counters.cpuSeconds * 1e6, saturation.counters.recordsConsumed),
      eventsPerStateWrite: saturation.counters.recordsConsumed / saturation.counters.customerLoads,
      recordsPerBatch: perBatch(saturation.counters.recordsConsumed, saturation.counters.batches),
    },
    latency: {
      ...latency,
      roundTripsPerEvent: perEvent(latency.counters.redisRoundTrips, latency.counters.recordsConsumed),
      cpuMicrosecondsPerEvent: perEvent(latency.counters.cpuSeconds * 1e6, latency.counters.recordsConsumed),
      eventsPerStateWrite: latency.counters.recordsConsumed / latency.counters.customerLoads,
      recordsPerBatch: perBatch(latency.counters.recordsConsumed, latency.counters.batches),
    },
    anatomy,
    redisMemory,
    process: { maxRssMiB: (process.resourceUsage().maxRSS * 1024) / MiB, saturationPeakRssMiB: saturationPeakRss / MiB, latencyPeakRssMiB: latencyPeakRss / MiB, serviceInProcess: inProcess },
    serviceProcess,
  };
}

/** The service as `count` processes in one group, started at once (the config allows a CPU profile of one only). */
async function startServiceProcesses(count: number, variables: Record<string, string>, cpuProfileDirectory: string | undefined): Promise<ServiceHandle> {
  if (count === 1) return startServiceProcess(variables, cpuProfileDirectory === undefined ? {} : { cpuProfileDirectory });
  const started = await Promise.allSettled(Array.from({ length: count }, () => startServiceProcess(variables)));
  const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  const running = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  if (failed !== undefined) {
    await Promise.allSettled(running.map((service) => service.stop()));
    throw failed.reason;
  }
  return serviceGroup(running);
}

async function main(): Promise<number> {
  const command = benchCommand(process.argv.slice(2));
  if (command === 'help') {
    process.stdout.write(BENCH_USAGE);
    return 0;
  }
  if (command !== 'run') {
    process.stderr.write(`bench: ${command.error}\n\n${BENCH_USAGE}`);
    return 2;
  }
  const startedAt = performance.now();
  const cleanup = new CleanupStack();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: cleaning up`);
      void cleanup.runAll().finally(() => process.exit(130));
    });
  }
  try {
    const measured = await runBench(cleanup);
    await cleanup.runAll();
    const results: BenchResults = { ...measured, totalMilliseconds: performance.now() - startedAt };
    process.stdout.write(`${formatTable(results)}\n${formatJson(results)}\n`);
    const { alternative } = results.clients;
    const problems = liveInputProblems({ produced: results.dataSet.transactions, saturation: results.saturation, latency: results.latency });
    // the figure this bench promises beside kafkajs's is missing: that is something that does not work
    if (alternative.error !== null) problems.push(`${alternative.client} ${alternative.version} did not work against this broker: ${alternative.error} (BENCH_ALT_CLIENT=none measures kafkajs alone)`);
    for (const problem of problems) say(`failed: ${problem}`);
    return problems.length > 0 ? 1 : 0;
  } catch (error) {
    say(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await cleanup.runAll();
    return 1;
  }
}

// kafkajs and ioredis may keep sockets open a moment after disconnecting: the exit code is final here
void main().then((code) => process.exit(code));
