import { readFileSync } from 'node:fs';

/** Linux's clock ticks per second for /proc (USER_HZ: 100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, ms) of the calling thread, from /proc/thread-self/stat; null where there is none (not
 * Linux). Node 20 has no per-thread CPU clock (process.threadCpuUsage came in 23), and process.cpuUsage counts every
 * thread: the workers, the reader and V8's own (GC, compiler), which is what a parallel replay needs told apart.
 */
export function threadCpuMs(): number | null {
  let stat: string;
  try {
    stat = readFileSync('/proc/thread-self/stat', 'utf8');
  } catch {
    return null;
  }
  // fields after the command name in parentheses, which may itself hold spaces: utime and stime are the 12th and 13th
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : null;
}
