import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stackPaths } from './paths.ts';
import type { SecuredMaterial } from './certificates.ts';
import { startDetached } from './processes.ts';
import { timed } from './report.ts';
import type { Report } from './report.ts';

const run = promisify(execFile);

export interface KafkaProcess {
  pid: number;
  brokerPort: number;
  controllerPort: number;
  /** SASL over TLS (SCRAM-SHA-512 and PLAIN users). */
  saslSslPort: number;
  /** TLS with a required client certificate (mTLS). */
  mtlsPort: number;
}

export interface SecuredListeners {
  saslSslPort: number;
  mtlsPort: number;
  material: SecuredMaterial;
}

/**
 * The secured listeners beside the plain one the other suites use: SASL_SSL offers SCRAM-SHA-512 (its user is
 * created by `storage format --add-scram`) and PLAIN (users listed in the listener's JAAS line); SSL requires a
 * client certificate signed by the stack's CA. Both present the stack's server certificate.
 */
function securedProperties({ material }: SecuredListeners): string[] {
  const { kafkaPlain } = material.accounts;
  return [
    'sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${kafkaPlain.username}="${kafkaPlain.password}";`,
    'listener.name.ssl.ssl.client.auth=required',
    'ssl.keystore.type=PKCS12',
    `ssl.keystore.location=${material.keystoreFile}`,
    `ssl.keystore.password=${material.storePassword}`,
    `ssl.key.password=${material.storePassword}`,
    'ssl.truststore.type=PKCS12',
    `ssl.truststore.location=${material.truststoreFile}`,
    `ssl.truststore.password=${material.storePassword}`,
  ];
}

/** Kafka's cluster id: 16 random bytes, base64url; Kafka avoids ids starting with '-' (they read as CLI flags). */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** The broker's properties; without `secured` (the fault suite's own broker) only the plain listener. */
export function kafkaServerProperties(brokerPort: number, controllerPort: number, dataDir: string, secured?: SecuredListeners): string {
  const extra = secured === undefined ? '' : `,SASL_SSL://127.0.0.1:${secured.saslSslPort},SSL://127.0.0.1:${secured.mtlsPort}`;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}${extra}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}${extra}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL',
    ...(secured === undefined ? [] : securedProperties(secured)),
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
export async function startKafka(report: Report, brokerPort: number, controllerPort: number, secured: SecuredListeners): Promise<KafkaProcess> {
  const dataDir = join(stackPaths.kafkaRun, 'data');
  const scram = secured.material.accounts.kafkaScram;
  rmSync(stackPaths.kafkaRun, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const properties = join(stackPaths.kafkaRun, 'server.properties');
  writeFileSync(properties, kafkaServerProperties(brokerPort, controllerPort, dataDir, secured), { mode: 0o600 });
  const classpath = join(stackPaths.kafkaLibs, '*');
  const logFile = join(stackPaths.logs, 'kafka.log');
  const jvm = [
    '-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${stackPaths.kafkaLog4jConfig}`, `-Dkafka.logs.file=${logFile}`,
  ];
  await timed(report, 'kafka: format storage (KRaft)', () =>
    run('java', [
      ...jvm, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', properties,
      '--add-scram', `SCRAM-SHA-512=[name=${scram.username},password=${scram.password}]`,
    ]),
  );
  const pid = startDetached({
    command: 'java',
    args: [...jvm, '-cp', classpath, 'kafka.Kafka', properties],
    cwd: stackPaths.kafkaRun,
    logFile: join(stackPaths.logs, 'kafka.out'),
  });
  return { pid, brokerPort, controllerPort, saslSslPort: secured.saslSslPort, mtlsPort: secured.mtlsPort };
}
