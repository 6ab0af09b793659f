import { pino } from 'pino';
import type { ServiceEnv } from '../src/config/env.ts';
import { startService } from '../src/service/service.ts';
import { scrapeMetrics, serviceSnapshot } from './prometheus.ts';
import type { ServiceHandle } from './service-handle.ts';

const PINO_WARN = 40;

const isLogLine = (value: unknown): value is { level: number; msg?: string } =>
  typeof value === 'object' && value !== null && 'level' in value && typeof value.level === 'number';

/**
 * Starts `tidewatch run` in this process (`BENCH_IN_PROCESS=1`). Its log is read rather than printed: the join of
 * the consumer group marks the start of consumption, and warnings and errors are passed on to stderr.
 */
export async function startInProcess(env: ServiceEnv): Promise<ServiceHandle> {
  let markJoined: (at: number) => void = () => {};
  const joined = new Promise<number>((resolveJoined) => {
    markJoined = resolveJoined;
  });
  const destination = {
    write(line: string) {
      const entry: unknown = JSON.parse(line);
      if (!isLogLine(entry)) return;
      if (entry.msg === 'partitions assigned') markJoined(performance.now());
      if (entry.level >= PINO_WARN) process.stderr.write(`[service] ${line}`);
    },
  };
  const logger = pino({ level: 'info', base: null }, destination);
  const running = await startService(env, logger);
  const metricsUrl = `http://127.0.0.1:${running.httpPort}/metrics`;
  let stopped: Promise<void> | undefined;
  return {
    joined,
    snapshot: async () => serviceSnapshot(await scrapeMetrics(metricsUrl), env.TIDEWATCH_TOPIC_TRANSACTIONS),
    assertRunning: () => {},
    stop: () => (stopped ??= running.stop()),
    process: undefined,
  };
}
