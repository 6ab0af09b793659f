import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkTools, installKafka, installRegistry, registryRunnerJar } from './install.ts';
import { stackPaths } from './paths.ts';
import { choosePort } from './ports.ts';
import { withLock } from './lock.ts';
import { isAlive, startDetached, stopGroup } from './processes.ts';
import { kafkaAnswers, redisAnswers, registryAnswers, waitUntil } from './readiness.ts';
import { REGISTRY_CCOMPAT_PATH } from './versions.ts';

const run = promisify(execFile);
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface StackState {
  kafka: { pid: number; brokerPort: number; controllerPort: number };
  registry: { pid: number; port: number };
  /** pid is set only when the stack started its own redis-server (and so must stop it). */
  redis: { url: string; pid?: number };
  startedAt: string;
  /** Test runs using the stack (pids); the last one to release it stops it, unless it is manual. */
  holders: number[];
  /** Started or adopted by `local-stack up`: stays up until `local-stack down`. */
  manual: boolean;
}

export interface StackEndpoints {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  redisUrl: string;
}

export type Report = (line: string) => void;

export function endpointsOf(state: StackState): StackEndpoints {
  return {
    kafkaBrokers: [`127.0.0.1:${state.kafka.brokerPort}`],
    schemaRegistryUrl: `http://127.0.0.1:${state.registry.port}${REGISTRY_CCOMPAT_PATH}`,
    redisUrl: state.redis.url,
  };
}

export function readState(): StackState | undefined {
  if (!existsSync(stackPaths.stateFile)) return undefined;
  return JSON.parse(readFileSync(stackPaths.stateFile, 'utf8')) as StackState;
}

async function timed<T>(report: Report, label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const detail = typeof result === 'string' ? ` (${result})` : '';
  report(`${label}: ${((performance.now() - started) / 1000).toFixed(1)}s${detail}`);
  return result;
}

/** Kafka's cluster id: 16 random bytes, base64url; Kafka avoids ids starting with '-' (they read as CLI flags). */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function kafkaServerProperties(brokerPort: number, controllerPort: number, dataDir: string): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=3',
    // topics are created on purpose (the service and the tests say how many partitions they want)
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

async function startKafka(report: Report): Promise<StackState['kafka']> {
  const brokerPort = await choosePort('TIDEWATCH_KAFKA_PORT', 'Kafka broker');
  const controllerPort = await choosePort('TIDEWATCH_KAFKA_CONTROLLER_PORT', 'Kafka controller');
  const dataDir = join(stackPaths.kafkaRun, 'data');
  rmSync(stackPaths.kafkaRun, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const properties = join(stackPaths.kafkaRun, 'server.properties');
  writeFileSync(properties, kafkaServerProperties(brokerPort, controllerPort, dataDir));
  const classpath = join(stackPaths.kafkaLibs, '*');
  const logFile = join(stackPaths.logs, 'kafka.log');
  const jvm = [
    '-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${stackPaths.kafkaLog4jConfig}`, `-Dkafka.logs.file=${logFile}`,
  ];
  await timed(report, 'kafka: format storage (KRaft)', () =>
    run('java', [...jvm, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', properties]),
  );
  const pid = startDetached({
    command: 'java',
    args: [...jvm, '-cp', classpath, 'kafka.Kafka', properties],
    cwd: stackPaths.kafkaRun,
    logFile: join(stackPaths.logs, 'kafka.out'),
  });
  return { pid, brokerPort, controllerPort };
}

async function startRegistry(): Promise<StackState['registry']> {
  const port = await choosePort('TIDEWATCH_REGISTRY_PORT', 'schema registry');
  mkdirSync(stackPaths.registryRun, { recursive: true });
  const pid = startDetached({
    command: 'java',
    args: [
      '-Xms128m', '-Xmx512m', '-Djava.awt.headless=true',
      `-Dquarkus.http.port=${port}`, '-Dquarkus.http.host=127.0.0.1',
      // in-memory storage: each `up` starts with no schemas, like the broker starts with no topics
      '-jar', registryRunnerJar(),
    ],
    cwd: stackPaths.registryRun,
    logFile: join(stackPaths.logs, 'registry.log'),
  });
  return { pid, port };
}

async function commandExists(command: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

/** The machine's Redis when one answers on the default port; else a redis-server of our own on a free port. */
async function resolveRedis(): Promise<StackState['redis']> {
  try {
    await redisAnswers(DEFAULT_REDIS_URL);
    return { url: DEFAULT_REDIS_URL };
  } catch {
    /* not running: start one below */
  }
  if (!(await commandExists('redis-server'))) {
    throw new Error(
      `no Redis answers on ${DEFAULT_REDIS_URL} and redis-server is not installed: ` +
        'start one, or apt-get install -y redis-server (or set REDIS_URL for the tests)',
    );
  }
  const port = await choosePort('TIDEWATCH_REDIS_PORT', 'Redis');
  const pid = startDetached({
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    cwd: stackPaths.home,
    logFile: join(stackPaths.logs, 'redis.log'),
  });
  return { url: `redis://127.0.0.1:${port}`, pid };
}

async function isHealthy(state: StackState): Promise<boolean> {
  const pids = [state.kafka.pid, state.registry.pid, ...(state.redis.pid === undefined ? [] : [state.redis.pid])];
  if (!pids.every(isAlive)) return false;
  const endpoints = endpointsOf(state);
  try {
    await Promise.all([
      kafkaAnswers(endpoints.kafkaBrokers),
      registryAnswers(endpoints.schemaRegistryUrl),
      redisAnswers(endpoints.redisUrl),
    ]);
    return true;
  } catch {
    return false;
  }
}

export interface UpResult {
  endpoints: StackEndpoints;
  /** True when a stack that was already up was reused rather than started. */
  reused: boolean;
}

export interface UpOptions {
  /** A test run's pid: the stack is stopped when its last holder releases it. Without one, the stack is manual. */
  holder?: number;
}

function writeState(state: StackState): void {
  writeFileSync(stackPaths.stateFile, JSON.stringify(state, null, 2));
}

function adopt(state: StackState, options: UpOptions): void {
  state.holders = state.holders.filter(isAlive);
  if (options.holder === undefined) state.manual = true;
  else if (!state.holders.includes(options.holder)) state.holders.push(options.holder);
  writeState(state);
}

export function up(report: Report, options: UpOptions = {}): Promise<UpResult> {
  mkdirSync(stackPaths.home, { recursive: true });
  return withLock(stackPaths.lockFile, async () => {
    const existing = readState();
    if (existing !== undefined) {
      if (await isHealthy(existing)) {
        adopt(existing, options);
        return { endpoints: endpointsOf(existing), reused: true };
      }
      report('a previous stack is not healthy: stopping what is left of it');
      await stopStack(existing, report);
    }
    return { endpoints: await startStack(report, options), reused: false };
  });
}

async function startStack(report: Report, options: UpOptions): Promise<StackEndpoints> {
  const started = performance.now();
  mkdirSync(stackPaths.logs, { recursive: true });
  await timed(report, 'tools (java, mvn)', checkTools);
  await Promise.all([
    timed(report, 'kafka: install', installKafka),
    timed(report, 'registry: install', installRegistry),
  ]);

  const state: StackState = {
    kafka: await startKafka(report),
    registry: await startRegistry(),
    redis: { url: '' },
    startedAt: new Date().toISOString(),
    holders: options.holder === undefined ? [] : [options.holder],
    manual: options.holder === undefined,
  };
  // Written before readiness so that a failed start can still be cleaned up.
  writeState(state);
  try {
    state.redis = await resolveRedis();
    writeState(state);
    const endpoints = endpointsOf(state);
    await Promise.all([
      timed(report, 'kafka: ready (metadata + group coordinator)', () =>
        waitUntil('Kafka broker', () => kafkaAnswers(endpoints.kafkaBrokers), {
          timeoutMs: 90_000, pid: state.kafka.pid, logFile: join(stackPaths.logs, 'kafka.log'),
        }),
      ),
      timed(report, 'registry: ready (GET /subjects)', () =>
        waitUntil('schema registry', () => registryAnswers(endpoints.schemaRegistryUrl), {
          timeoutMs: 90_000, pid: state.registry.pid, logFile: join(stackPaths.logs, 'registry.log'),
        }),
      ),
      timed(report, 'redis: ready (PING)', () =>
        waitUntil('Redis', () => redisAnswers(endpoints.redisUrl), {
          timeoutMs: 20_000, ...(state.redis.pid === undefined ? {} : { pid: state.redis.pid }),
        }),
      ),
    ]);
    report(`stack up in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    return endpoints;
  } catch (error) {
    await stopStack(state, () => {});
    throw error;
  }
}

/** A test run is done with the stack: stop it if nobody else (no other live run, no manual `up`) still uses it. */
export function release(holder: number, report: Report): Promise<void> {
  return withLock(stackPaths.lockFile, async () => {
    const state = readState();
    if (state === undefined) return;
    state.holders = state.holders.filter((pid) => pid !== holder && isAlive(pid));
    if (state.holders.length > 0 || state.manual) {
      writeState(state);
      report(state.manual ? 'leaving the stack up (started by local-stack up)' : 'leaving the stack up for another test run');
      return;
    }
    await stopStack(state, report);
  });
}

export function down(report: Report): Promise<void> {
  mkdirSync(stackPaths.home, { recursive: true });
  return withLock(stackPaths.lockFile, async () => {
    const state = readState();
    if (state === undefined) {
      report('no local stack is recorded as running');
      return;
    }
    await stopStack(state, report);
  });
}

async function stopStack(state: StackState, report: Report): Promise<void> {
  const stops: Array<[string, number | undefined]> = [
    ['registry', state.registry.pid],
    ['kafka', state.kafka.pid],
    ['redis', state.redis.pid],
  ];
  await Promise.all(
    stops.map(([name, pid]) => (pid === undefined ? undefined : timed(report, `${name}: stop`, () => stopGroup(pid)))),
  );
  rmSync(stackPaths.stateFile, { force: true });
  rmSync(stackPaths.kafkaRun, { recursive: true, force: true });
  rmSync(stackPaths.registryRun, { recursive: true, force: true });
}

export async function status(): Promise<{ state: StackState | undefined; healthy: boolean }> {
  const state = readState();
  return { state, healthy: state !== undefined && (await isHealthy(state)) };
}
