import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stackPaths } from './paths.ts';
import { choosePort } from './ports.ts';
import { startDetached } from './processes.ts';
import { redisAnswers } from './readiness.ts';

const run = promisify(execFile);
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** pid is set only when the stack started its own redis-server (and so must stop it). */
export interface RedisEndpoint {
  url: string;
  pid?: number;
}

async function commandExists(command: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

/** The machine's Redis when one answers on the default port; else a redis-server of our own on a free port. */
export async function resolveRedis(): Promise<RedisEndpoint> {
  try {
    await redisAnswers(DEFAULT_REDIS_URL);
    return { url: DEFAULT_REDIS_URL };
  } catch {
    /* not running: start one below */
  }
  if (!(await commandExists('redis-server'))) {
    throw new Error(
      `no Redis answers on ${DEFAULT_REDIS_URL} and redis-server is not installed: ` +
        'start one, or apt-get install -y redis-server (or set REDIS_URL for the tests)',
    );
  }
  const port = await choosePort('TIDEWATCH_REDIS_PORT', 'Redis');
  const pid = startDetached({
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    cwd: stackPaths.home,
    logFile: join(stackPaths.logs, 'redis.log'),
  });
  return { url: `redis://127.0.0.1:${port}`, pid };
}
