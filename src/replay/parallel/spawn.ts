import { Worker } from 'node:worker_threads';
import type { TransferListItem } from 'node:worker_threads';

/**
 * Starts a worker thread on `entry` (a module next to this one) the way this process runs: from TypeScript sources
 * through tsx (as bin/tidewatch.js and vitest do) via worker-boot.mjs, or from compiled JavaScript directly. The
 * worker finds `data` as `workerData.data`; `transferList` moves what it holds that is transferred (MessagePorts).
 */
export function spawnWorker(entry: URL, data: unknown, transferList: readonly TransferListItem[] = []): Worker {
  const options = { workerData: { entry: entry.href, data }, transferList: [...transferList] };
  if (entry.pathname.endsWith('.ts')) return new Worker(new URL('./worker-boot.mjs', import.meta.url), options);
  return new Worker(entry, options);
}

/** This directory's worker module, as sources or compiled. */
export const replayWorkerEntry = (): URL => new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);
