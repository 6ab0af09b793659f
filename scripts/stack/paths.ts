import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { APICURIO_VERSION, KAFKA_VERSION } from './versions.ts';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** Everything the stack writes lives under one git-ignored folder; Maven's own cache (~/.m2) keeps the downloads. */
const home = process.env.TIDEWATCH_STACK_HOME ?? join(repoRoot, '.local-stack');

export const stackPaths = {
  repoRoot,
  home,
  stateFile: join(home, 'stack.json'),
  lockFile: join(home, 'stack.lock'),
  logs: join(home, 'logs'),
  kafkaPom: join(repoRoot, 'scripts', 'stack', 'kafka-runtime.pom.xml'),
  kafkaLog4jConfig: join(repoRoot, 'scripts', 'stack', 'kafka-log4j2.xml'),
  kafkaLibs: join(home, `kafka-${KAFKA_VERSION}`, 'libs'),
  kafkaRun: join(home, 'kafka-run'),
  registryHome: join(home, `apicurio-${APICURIO_VERSION}`),
  registryRun: join(home, 'registry-run'),
} as const;
