// Starts a worker thread on TypeScript sources: tsx's loader registered in the worker before the worker's module
// is imported. Loader hooks a parent registered do not reach its workers (Node 20), and a `.ts` file cannot be a
// Worker's entry even with `--import tsx` in its execArgv (tsx issue #354). spawn.ts starts this file only when the
// sources run (a clone); the compiled dist/ starts worker.js directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
