import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stackPaths } from './paths.ts';
import { startDetached } from './processes.ts';

export interface RegistryProcess {
  pid: number;
  port: number;
}

/** Apicurio Registry, Confluent-compatible API under /apis/ccompat/v7, on a loopback port. */
export function startRegistry(port: number, runnerJar: string): RegistryProcess {
  mkdirSync(stackPaths.registryRun, { recursive: true });
  const pid = startDetached({
    command: 'java',
    args: [
      '-Xms128m', '-Xmx512m', '-Djava.awt.headless=true',
      `-Dquarkus.http.port=${port}`, '-Dquarkus.http.host=127.0.0.1',
      // in-memory storage: each `up` starts with no schemas, like the broker starts with no topics
      '-jar', runnerJar,
    ],
    cwd: stackPaths.registryRun,
    logFile: join(stackPaths.logs, 'registry.log'),
  });
  return { pid, port };
}
