import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSecuredMaterial } from './certificates.ts';
import { checkTools, installKafka, installRegistry, registryRunnerJar } from './install.ts';
import { startKafka } from './kafka.ts';
import type { KafkaProcess } from './kafka.ts';
import { withLock } from './lock.ts';
import { stackPaths } from './paths.ts';
import { choosePort } from './ports.ts';
import { isAlive, runsCommand, stopGroup } from './processes.ts';
import { kafkaAnswers, redisAnswers, registryAnswers, waitUntil } from './readiness.ts';
import { resolveRedis } from './redis.ts';
import type { RedisEndpoint } from './redis.ts';
import { startRegistry } from './registry.ts';
import type { RegistryProcess } from './registry.ts';
import { timed } from './report.ts';
import type { Report } from './report.ts';
import { chooseSecuredPorts, securedAnswers, securedProcesses, securedReady, startSecured } from './secured.ts';
import type { SecuredEndpoints, SecuredState } from './secured.ts';
import { REGISTRY_CCOMPAT_PATH } from './versions.ts';

export type { Report };

/**
 * The processes the stack started, with what each one's command line contains: how a recorded pid is known to
 * still be ours. The machine's own Redis, when used, is not among them.
 */
function startedProcesses(state: StackState): Array<{ name: string; pid: number; marker: string }> {
  const processes = [
    { name: 'registry', pid: state.registry.pid, marker: 'apicurio-registry' },
    { name: 'kafka', pid: state.kafka.pid, marker: 'kafka.Kafka' },
  ];
  if (state.redis.pid !== undefined) processes.push({ name: 'redis', pid: state.redis.pid, marker: 'redis-server' });
  if (state.secured !== undefined) processes.push(...securedProcesses(state.secured));
  return processes;
}

export interface StackState {
  kafka: KafkaProcess;
  registry: RegistryProcess;
  redis: RedisEndpoint;
  /** The secured services (SASL_SSL/mTLS listeners, registry over HTTPS + basic auth, TLS Redis, Redis Cluster). */
  secured?: SecuredState;
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
  secured?: SecuredEndpoints;
}

export function endpointsOf(state: StackState): StackEndpoints {
  return {
    kafkaBrokers: [`127.0.0.1:${state.kafka.brokerPort}`],
    schemaRegistryUrl: `http://127.0.0.1:${state.registry.port}${REGISTRY_CCOMPAT_PATH}`,
    redisUrl: state.redis.url,
    ...(state.secured === undefined ? {} : { secured: state.secured.endpoints }),
  };
}

export function readState(): StackState | undefined {
  if (!existsSync(stackPaths.stateFile)) return undefined;
  return JSON.parse(readFileSync(stackPaths.stateFile, 'utf8')) as StackState;
}

async function isHealthy(state: StackState): Promise<boolean> {
  // a stack started before the secured services existed is restarted to gain them
  if (state.secured === undefined) return false;
  const secured = state.secured;
  if (!startedProcesses(state).every(({ pid, marker }) => runsCommand(pid, marker))) return false;
  const endpoints = endpointsOf(state);
  try {
    await Promise.all([
      kafkaAnswers(endpoints.kafkaBrokers),
      registryAnswers(endpoints.schemaRegistryUrl),
      redisAnswers(endpoints.redisUrl),
      securedAnswers(secured),
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

/** Every command that reads or changes the stack runs under the stack home's lock. */
function locked<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(stackPaths.home, { recursive: true });
  return withLock(stackPaths.lockFile, work);
}

export function up(report: Report, options: UpOptions = {}): Promise<UpResult> {
  return locked(async () => {
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
  await timed(report, 'tools (java, mvn, openssl, keytool, redis)', checkTools);
  await Promise.all([
    timed(report, 'kafka: install', installKafka),
    timed(report, 'registry: install', installRegistry),
  ]);

  // Every port and file is settled before anything starts, so nothing can fail between starting Kafka and
  // recording it (which would leave a broker that no `down` knows about).
  const runnerJar = registryRunnerJar();
  const brokerPort = await choosePort('TIDEWATCH_KAFKA_PORT', 'Kafka broker');
  const controllerPort = await choosePort('TIDEWATCH_KAFKA_CONTROLLER_PORT', 'Kafka controller', [brokerPort]);
  const registryPort = await choosePort('TIDEWATCH_REGISTRY_PORT', 'schema registry', [brokerPort, controllerPort]);
  const securedPorts = await chooseSecuredPorts([brokerPort, controllerPort, registryPort]);
  const material = await timed(report, 'certificates and accounts (openssl, keytool)', makeSecuredMaterial);
  const secured = { saslSslPort: securedPorts.kafkaSaslSsl, mtlsPort: securedPorts.kafkaMtls, material };
  const state: StackState = {
    kafka: await startKafka(report, brokerPort, controllerPort, secured),
    registry: startRegistry(registryPort, runnerJar),
    redis: { url: '' },
    startedAt: new Date().toISOString(),
    holders: options.holder === undefined ? [] : [options.holder],
    manual: options.holder === undefined,
  };
  // Written before readiness so that a failed start can still be cleaned up.
  writeState(state);
  try {
    state.secured = startSecured(securedPorts, material, registryPort);
    writeState(state);
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
      securedReady(state.secured, material, report),
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
  return locked(async () => {
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
  return locked(async () => {
    const state = readState();
    if (state === undefined) {
      report('no local stack is recorded as running');
      return;
    }
    await stopStack(state, report);
  });
}

async function stopStack(state: StackState, report: Report): Promise<void> {
  await Promise.all(
    startedProcesses(state).map(({ name, pid, marker }) => timed(report, `${name}: stop`, () => stopGroup(pid, marker))),
  );
  rmSync(stackPaths.stateFile, { force: true });
  rmSync(stackPaths.kafkaRun, { recursive: true, force: true });
  rmSync(stackPaths.registryRun, { recursive: true, force: true });
  rmSync(join(stackPaths.home, 'secured'), { recursive: true, force: true });
  rmSync(join(stackPaths.home, 'redis-secured'), { recursive: true, force: true });
}

export async function status(): Promise<{ state: StackState | undefined; healthy: boolean }> {
  const state = readState();
  return { state, healthy: state !== undefined && (await isHealthy(state)) };
}
