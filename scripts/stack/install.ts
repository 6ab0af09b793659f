import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { stackPaths } from './paths.ts';
import { APICURIO_ARTIFACT, KAFKA_VERSION } from './versions.ts';

const run = promisify(execFile);
const COMPLETE_MARKER = '.complete';

async function runOrExplain(command: string, args: string[], what: string, cwd?: string): Promise<void> {
  try {
    await run(command, args, { cwd, maxBuffer: 32 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`${what} failed (${command} ${args.join(' ')}):\n${tail}`);
  }
}

/**
 * Java and Maven bring Kafka and the registry; openssl, keytool, redis-server and redis-cli make the secured services.
 * Say how to get them rather than fail obscurely.
 */
export async function checkTools(): Promise<void> {
  const missing: string[] = [];
  const tools = [['java', ['-version']], ['mvn', ['-v']], ['openssl', ['version']], ['keytool', ['-help']], ['redis-server', ['--version']], ['redis-cli', ['--version']]] as const;
  for (const [tool, args] of tools) {
    try {
      await run(tool, [...args]);
    } catch {
      missing.push(tool);
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `the local stack needs Java 17+, Maven, openssl and Redis (server and cli); not found: ${missing.join(', ')}. ` +
        'On Debian: scripts/install-prerequisites, or apt-get install -y openjdk-17-jre-headless maven openssl redis-server.',
    );
  }
}

/** Installs into `target` at most once: work happens in a scratch folder that is renamed into place when whole. */
async function installOnce(target: string, fill: (scratch: string) => Promise<void>): Promise<'cached' | 'installed'> {
  if (existsSync(join(target, COMPLETE_MARKER))) return 'cached';
  const scratch = `${target}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    await fill(scratch);
    writeFileSync(join(scratch, COMPLETE_MARKER), new Date().toISOString());
    rmSync(target, { recursive: true, force: true });
    mkdirSync(dirname(target), { recursive: true });
    renameSync(scratch, target);
    return 'installed';
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The broker jar and its runtime dependencies, resolved by Maven (so ~/.m2 caches them across clones). */
export function installKafka(): Promise<'cached' | 'installed'> {
  return installOnce(stackPaths.kafkaLibs, async (scratch) => {
    await runOrExplain(
      'mvn',
      [
        '-q', '-B', '-f', stackPaths.kafkaPom, `-Dkafka.version=${KAFKA_VERSION}`,
        'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${scratch}`,
      ],
      `resolving Apache Kafka ${KAFKA_VERSION} from Maven Central`,
    );
  });
}

/** Apicurio Registry's packaged Quarkus app (the `-all` tar.gz published next to its jar), unpacked. */
export function installRegistry(): Promise<'cached' | 'installed'> {
  return installOnce(stackPaths.registryHome, async (scratch) => {
    const download = join(scratch, 'download');
    await runOrExplain(
      'mvn',
      ['-q', '-B', 'dependency:copy', `-Dartifact=${APICURIO_ARTIFACT}`, `-DoutputDirectory=${download}`],
      'fetching Apicurio Registry from Maven Central',
    );
    const [archive] = readdirSync(download).filter((name) => name.endsWith('.tar.gz'));
    if (archive === undefined) throw new Error(`no .tar.gz in ${download} after fetching ${APICURIO_ARTIFACT}`);
    await runOrExplain('tar', ['-xzf', join(download, archive), '-C', scratch], 'unpacking Apicurio Registry');
    rmSync(download, { recursive: true, force: true });
  });
}

export function registryRunnerJar(): string {
  const jar = readdirSync(stackPaths.registryHome).find((name) => name.endsWith('-runner.jar'));
  if (jar === undefined) throw new Error(`no *-runner.jar in ${stackPaths.registryHome}: delete it and run up again`);
  return join(stackPaths.registryHome, jar);
}
