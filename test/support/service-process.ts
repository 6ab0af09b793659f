import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  baseUrl: string;
  logLines: string[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts the real CLI (`tidewatch run`) as its own process and waits for the line that says it is running. */
export async function startServiceProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServiceProcess> {
  // the sources, not bin/ (which prefers a possibly stale dist/)
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run'], {
    cwd: repoRoot,
    env: { ...process.env, TIDEWATCH_HTTP_PORT: '0', TIDEWATCH_HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logLines: string[] = [];
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  createInterface({ input: child.stderr! }).on('line', (line) => logLines.push(line));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`service not running after ${timeoutMs} ms:\n${logLines.join('\n')}`)), timeoutMs);
    // a process that exits before it runs (e.g. refusing an evicting Redis) must not leave the timer holding the caller
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${logLines.join('\n')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logLines.push(line);
      const entry = JSON.parse(line) as { msg?: string; httpPort?: number };
      if (entry.msg === 'tidewatch running' && entry.httpPort !== undefined) {
        clearTimeout(timer);
        resolvePort(entry.httpPort);
      }
    });
  });
  return {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    logLines,
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export async function waitForStatus(url: string, status: number, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(url).catch(() => undefined);
    if (response?.status === status) return response;
    if (Date.now() > deadline) throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last ${response?.status})`);
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 200));
  }
}

/** Reads a counter's or gauge's value for one label set (none: `{}`) from Prometheus text exposition. */
export function counterValue(metricsText: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = metricsText
    .split('\n')
    .find((candidate) => (candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `)) && wanted.every((label) => candidate.includes(label)));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a one-shot CLI command (e.g. `tidewatch rebuild`) from the sources to its end, with the service's environment. */
export async function runCliCommand(args: readonly string[], env: Record<string, string>, timeoutMs = 300_000): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  const code = await new Promise<number | null>((resolveExit) => child.once('exit', (exitCode) => resolveExit(exitCode)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}
