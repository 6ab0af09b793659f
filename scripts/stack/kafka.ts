import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stackPaths } from './paths.ts';
import { startDetached } from './processes.ts';
import { timed } from './report.ts';
import type { Report } from './report.ts';

const run = promisify(execFile);

export interface KafkaProcess {
  pid: number;
  brokerPort: number;
  controllerPort: number;
}

/** Kafka's cluster id: 16 random bytes, base64url; Kafka avoids ids starting with '-' (they read as CLI flags). */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function kafkaServerProperties(brokerPort: number, controllerPort: number, dataDir: string): string {
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

/** One combined broker + controller (KRaft), storage formatted afresh, on loopback ports. */
export async function startKafka(report: Report, brokerPort: number, controllerPort: number): Promise<KafkaProcess> {
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
