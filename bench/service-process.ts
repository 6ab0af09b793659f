import { execFile, spawn } from 'node:child_process';
import { readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { scrapeMetrics, serviceSnapshot } from './prometheus.ts';
import { withTimeout } from './progress.ts';
import type { ServiceHandle, ServiceProcessInfo } from './service-handle.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const RUNNING_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
/** Log lines kept for an error message. */
const LOG_TAIL = 40;
const PINO_WARN = 40;

export interface ServiceProcessOptions {
  /** A folder for a V8 CPU profile of the whole service process (`--cpu-prof`), written when it exits. */
  cpuProfileDirectory?: string;
}

interface LogLine {
  level: number;
  msg?: string;
  httpPort?: number;
}

const parseLogLine = (line: string): LogLine | undefined => {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && 'level' in value && typeof value.level === 'number' ? (value as LogLine) : undefined;
  } catch {
    return undefined;
  }
};

/** A `VmRSS:` or `VmHWM:` line of /proc/<pid>/status, in bytes; undefined where there is no /proc. */
async function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kib = status?.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1];
  return kib === undefined ? undefined : Number(kib) * 1024;
}

/** `ps -o rss=`, in bytes: where there is no /proc (macOS). */
async function psResidentBytes(pid: number): Promise<number | undefined> {
  const answer = await run('ps', ['-o', 'rss=', '-p', String(pid)]).catch(() => undefined);
  const kib = Number(answer?.stdout.trim());
  return answer === undefined || !Number.isFinite(kib) || kib <= 0 ? undefined : kib * 1024;
}

/**
 * Starts the real CLI, `node --import tsx src/cli/main.ts run` (the sources, as test/support/service-process.ts
 * does), as its own process with the bench's configuration, and waits for the line that says it is running. Its
 * log (info: a handful of lines) is read from its stdout: the group join marks the start of consumption, warnings,
 * errors and anything on its stderr are passed on to this process's stderr.
 */
export async function startServiceProcess(variables: Record<string, string>, options: ServiceProcessOptions = {}): Promise<ServiceHandle> {
  // the bench's configuration only, as the in-process service gets it: none of the shell's TIDEWATCH_* or LOG_LEVEL
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TIDEWATCH_') && name !== 'LOG_LEVEL'));
  // every thread writes a profile (tsx's loader runs in a worker): one fixed name would let the worker's overwrite
  // the main thread's, so each gets node's default name in a folder of its own and the main thread's is kept
  const threadProfiles = options.cpuProfileDirectory === undefined ? undefined : join(options.cpuProfileDirectory, `service-threads-${process.pid}`);
  const profiling = threadProfiles === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${threadProfiles}`, '--cpu-prof-interval=250'];
  const child = spawn(process.execPath, [...profiling, '--import', 'tsx', 'src/cli/main.ts', 'run'], {
    cwd: repoRoot,
    // info: 'tidewatch running' (the port) and 'partitions assigned' (the join) are info lines
    env: { ...inherited, ...variables, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the service process');

  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > LOG_TAIL) tail.shift();
  };
  const describe = (what: string) => `${what}; its last log lines:\n${tail.join('\n')}`;

  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let stopping = false;
  // should this process end without stopping it (a crash past the cleanup), the service does not outlive it
  const killOnExit = () => {
    if (exit === undefined) child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      process.removeListener('exit', killOnExit);
      resolveExit(exit);
    }),
  );
  const exitedEarly = exited.then(({ code, signal }) => {
    throw new Error(describe(`the service process exited with ${code ?? signal} before it was asked to stop`));
  });
  exitedEarly.catch(() => {});

  let markJoined: (at: number) => void = () => {};
  let markRunning: (port: number) => void = () => {};
  const joinedLine = new Promise<number>((resolveJoined) => {
    markJoined = resolveJoined;
  });
  const runningLine = new Promise<number>((resolveRunning) => {
    markRunning = resolveRunning;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    remember(line);
    const entry = parseLogLine(line);
    if (entry === undefined) {
      process.stderr.write(`[service] ${line}\n`);
      return;
    }
    if (entry.msg === 'partitions assigned') markJoined(performance.now());
    if (entry.msg === 'tidewatch running' && typeof entry.httpPort === 'number') markRunning(entry.httpPort);
    if (entry.level >= PINO_WARN) process.stderr.write(`[service] ${line}\n`);
  });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    remember(line);
    process.stderr.write(`[service] ${line}\n`);
  });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      if (exit === undefined) child.kill('SIGTERM');
      const { code, signal } = await withTimeout(exited, STOP_TIMEOUT_MS, 'the service process exiting on SIGTERM').catch((error: unknown) => {
        child.kill('SIGKILL');
        throw error;
      });
      if (code !== 0) throw new Error(describe(`the service process exited with ${code ?? signal} on SIGTERM, not 0`));
      if (threadProfiles !== undefined && options.cpuProfileDirectory !== undefined) await keepMainThreadProfile(threadProfiles, join(options.cpuProfileDirectory, 'service.cpuprofile'));
    })());

  let port: number;
  try {
    port = await withTimeout(Promise.race([runningLine, exitedEarly]), RUNNING_TIMEOUT_MS, 'the service process saying "tidewatch running"');
  } catch (error) {
    // exited early: the error already tells; timed out: the log says why
    const timedOut = exit === undefined;
    await stop().catch(() => {});
    throw timedOut && error instanceof Error ? new Error(describe(error.message)) : error;
  }
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  const transactionsTopic = variables.TIDEWATCH_TOPIC_TRANSACTIONS ?? '';
  const joined = Promise.race([joinedLine, exitedEarly]);
  joined.catch(() => {});

  const info: ServiceProcessInfo = {
    pid,
    // /proc where there is one, else ps; not /metrics, whose every scrape resets the event-loop delay histogram
    residentBytes: async () => (await procStatusBytes(pid, 'VmRSS')) ?? (exit === undefined ? psResidentBytes(pid) : undefined),
    peakResidentBytes: () => procStatusBytes(pid, 'VmHWM'),
  };
  return {
    joined,
    snapshot: async () => serviceSnapshot(await scrapeMetrics(metricsUrl), transactionsTopic),
    assertRunning: () => {
      if (exit !== undefined && !stopping) throw new Error(describe(`the service process exited with ${exit.code ?? exit.signal}`));
    },
    stop,
    process: info,
  };
}

/** Node names a thread's profile `CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile`; the main thread is 0. */
async function keepMainThreadProfile(folder: string, target: string): Promise<void> {
  const names = await readdir(folder);
  const main = names.find((name) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(name));
  if (main === undefined) throw new Error(`no main-thread CPU profile among ${names.join(', ') || 'none'} in ${folder}`);
  await rename(join(folder, main), target);
  await rm(folder, { recursive: true, force: true });
}
