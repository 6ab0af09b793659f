import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { installKafka, installRegistry, registryRunnerJar } from '../stack/install.ts';
import { kafkaServerProperties } from '../stack/kafka.ts';
import { stackPaths } from '../stack/paths.ts';
import { choosePort } from '../stack/ports.ts';
import { isAlive, startDetached, stopGroup } from '../stack/processes.ts';
import { kafkaAnswers, redisAnswers, registryAnswers, waitUntil } from '../stack/readiness.ts';
import { startRegistry } from '../stack/registry.ts';
import { REGISTRY_CCOMPAT_PATH } from '../stack/versions.ts';

const run = promisify(execFile);

/**
 * The fault suite's own services, on loopback ports of their own, under `.local-stack/chaos/` (git-ignored): a
 * broker it may stop and start, a registry it may cut off, Redis servers it may kill, empty or starve. The shared
 * stack other runs use is never touched.
 */
export const chaosHome = join(stackPaths.home, 'chaos');

const signalGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
};

async function untilDead(pid: number): Promise<void> {
  while (isAlive(pid)) await new Promise((resolveSleep) => setTimeout(resolveSleep, 50));
}

/** One KRaft broker + controller whose data survives a stop, so that a restart finds the same topics and offsets. */
export class OwnKafka {
  private pid: number | undefined;

  private constructor(
    private readonly runDir: string,
    readonly brokerPort: number,
  ) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.brokerPort}`];
  }

  /** `runDir` (emptied first) holds its configuration, data and logs: the suite's by default, a test's own otherwise. */
  static async create(runDir = join(chaosHome, 'kafka')): Promise<OwnKafka> {
    await installKafka();
    rmSync(runDir, { recursive: true, force: true });
    mkdirSync(join(runDir, 'data'), { recursive: true });
    const brokerPort = await choosePort('', 'chaos Kafka broker');
    const controllerPort = await choosePort('', 'chaos Kafka controller', [brokerPort]);
    writeFileSync(join(runDir, 'server.properties'), kafkaServerProperties(brokerPort, controllerPort, join(runDir, 'data')));
    const kafka = new OwnKafka(runDir, brokerPort);
    await run('java', [...kafka.jvm(), '-cp', join(stackPaths.kafkaLibs, '*'), 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', join(runDir, 'server.properties')]);
    await kafka.start();
    return kafka;
  }

  private jvm(): string[] {
    return ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${stackPaths.kafkaLog4jConfig}`, `-Dkafka.logs.file=${join(this.runDir, 'kafka.log')}`];
  }

  /** Starts the broker on its existing data and waits until a consumer group can join. */
  async start(): Promise<void> {
    this.pid = startDetached({
      command: 'java',
      args: [...this.jvm(), '-cp', join(stackPaths.kafkaLibs, '*'), 'kafka.Kafka', join(this.runDir, 'server.properties')],
      cwd: this.runDir,
      logFile: join(this.runDir, 'kafka.out'),
    });
    await waitUntil('chaos Kafka broker', () => kafkaAnswers(this.brokers), { timeoutMs: 120_000, pid: this.pid, logFile: join(this.runDir, 'kafka.log') });
  }

  /** SIGTERM (a controlled shutdown), SIGKILL after 15 s. */
  async stop(): Promise<void> {
    if (this.pid !== undefined) await stopGroup(this.pid, 'kafka.Kafka');
    this.pid = undefined;
  }

  async kill(): Promise<void> {
    if (this.pid === undefined) return;
    signalGroup(this.pid, 'SIGKILL');
    await untilDead(this.pid);
    this.pid = undefined;
  }

  /** Copies the broker's logs to `dir` (before the suite removes its home). */
  keepLogs(dir: string): void {
    mkdirSync(dir, { recursive: true });
    for (const file of ['kafka.log', 'kafka.out']) if (existsSync(join(this.runDir, file))) copyFileSync(join(this.runDir, file), join(dir, `broker-${file}`));
  }
}

function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** An Apicurio registry of the suite's own (in-memory: it is never restarted, only cut off by a proxy). */
export class OwnRegistry {
  private constructor(
    private readonly pid: number,
    readonly url: string,
  ) {}

  static async create(): Promise<OwnRegistry> {
    await installRegistry();
    mkdirSync(stackPaths.logs, { recursive: true });
    const port = await choosePort('', 'chaos schema registry');
    const { pid } = startRegistry(port, registryRunnerJar());
    const url = `http://127.0.0.1:${port}${REGISTRY_CCOMPAT_PATH}`;
    await waitUntil('chaos schema registry', () => registryAnswers(url), { timeoutMs: 120_000, pid, logFile: join(stackPaths.logs, 'registry.log') });
    return new OwnRegistry(pid, url);
  }

  async stop(): Promise<void> {
    await stopGroup(this.pid, 'apicurio-registry');
  }
}

/** A redis-server of the suite's own, with its own directory (AOF lives there) and flags. */
export class OwnRedis {
  private pid: number | undefined;

  private constructor(
    private readonly dir: string,
    readonly port: number,
    private readonly flags: readonly string[],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async create(name: string, flags: readonly string[] = []): Promise<OwnRedis> {
    const dir = join(chaosHome, `redis-${name}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const redis = new OwnRedis(dir, await choosePort('', `chaos Redis ${name}`), flags);
    await redis.start();
    return redis;
  }

  async start(): Promise<void> {
    this.pid = startDetached({
      command: 'redis-server',
      args: ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', ...this.flags],
      cwd: this.dir,
      logFile: join(this.dir, 'redis.log'),
    });
    await waitUntil('chaos Redis', () => redisAnswers(this.url), { timeoutMs: 20_000, pid: this.pid, logFile: join(this.dir, 'redis.log') });
  }

  async kill(): Promise<void> {
    if (this.pid === undefined) return;
    signalGroup(this.pid, 'SIGKILL');
    await untilDead(this.pid);
    this.pid = undefined;
  }

  async stop(): Promise<void> {
    if (this.pid !== undefined) await stopGroup(this.pid, 'redis-server');
    this.pid = undefined;
  }

  /** Runs one command against this server (never the shared one). */
  async command(...args: [string, ...Array<string | number>]): Promise<unknown> {
    const client = new Redis(this.url, { maxRetriesPerRequest: 1 });
    try {
      return await client.call(...args);
    } finally {
      client.disconnect();
    }
  }

  async usedMemory(): Promise<number> {
    const info = String(await this.command('INFO', 'memory'));
    return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
  }
}

/** A TCP proxy on loopback in front of the registry: `cut()` refuses and drops every connection until `restore()`. */
export class CuttableProxy {
  private readonly sockets = new Set<Socket>();
  private cutOff = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async create(targetPort: number): Promise<CuttableProxy> {
    let proxy: CuttableProxy | undefined;
    const server = createServer((client) => proxy!.accept(client, targetPort));
    const port = await new Promise<number>((resolvePort) => server.listen(0, '127.0.0.1', () => resolvePort((server.address() as { port: number }).port)));
    proxy = new CuttableProxy(server, port);
    return proxy;
  }

  private accept(client: Socket, targetPort: number): void {
    if (this.cutOff) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  cut(): void {
    this.cutOff = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.cutOff = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolveClose) => this.server.close(() => resolveClose()));
  }
}
