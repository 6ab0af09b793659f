import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface DetachedCommand {
  command: string;
  args: string[];
  cwd: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a long-running service in its own process group, output to its log file, so it outlives the
 * command that started it (`local-stack up`) and can be stopped as a group by `local-stack down`.
 */
export function startDetached({ command, args, cwd, logFile, env }: DetachedCommand): number {
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { cwd, env: env ?? process.env, detached: true, stdio: ['ignore', log, log] });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(log);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/**
 * Whether `pid` is still the process the stack started: its command line contains `marker`. A state file that
 * outlived a reboot can name pids the system has since given to other programs, which must never be signalled.
 */
export function runsCommand(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).includes(marker);
  } catch {
    return false;
  }
}

/** SIGTERM to the whole group (the JVMs shut down cleanly on it), SIGKILL if it is still there after the grace period. */
export async function stopGroup(pid: number, marker: string, graceMs = 15_000): Promise<'stopped' | 'killed' | 'not running'> {
  if (!runsCommand(pid, marker)) return 'not running';
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(100);
  }
  signalGroup(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
  return 'killed';
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

export function logTail(logFile: string, lines = 25): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
