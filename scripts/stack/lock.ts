import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAlive } from './processes.ts';

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/**
 * One local-stack command at a time per stack home: two `npm test` runs starting together would otherwise both
 * see no stack and start two, or one would stop the stack the other is starting. A lock left by a process that
 * died is taken over.
 */
export async function withLock<T>(lockFile: string, work: () => Promise<T>, timeoutMs = 300_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(lockFile, 'utf8').trim());
    if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) {
      rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another local-stack command (pid ${holder}) has held ${lockFile} too long`);
    await sleep(250);
  }
  try {
    return await work();
  } finally {
    rmSync(lockFile, { force: true });
  }
}
