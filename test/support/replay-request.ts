import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ReplayRequest } from '../../src/replay/run.ts';

/** The shipped rules file, as `tidewatch replay --rules` would name it. */
export const shippedRules = fileURLToPath(new URL('../../rules/default.yaml', import.meta.url));

/** Where runReplay writes when nobody reads: stdout swallowed, no progress on stderr. */
export const quietOutput = { stdout: new Writable({ write: (_chunk, _encoding, done) => done() }), stderr: () => {}, stderrIsTTY: false };

/** A `tidewatch replay` run as the CLI would request it: the shipped rules, in memory, quiet, alerts to `out`. */
export const replayRequest = (input: ReplayRequest['input'], out: string | null, overrides: Partial<ReplayRequest> = {}): ReplayRequest => ({
  input,
  rulesFile: shippedRules,
  out,
  deadLetters: null,
  summaryJson: null,
  redis: null,
  keep: false,
  until: null,
  chunkSize: 2_000,
  workers: 1,
  unassignedQueue: 'UNASSIGNED',
  quiet: true,
  ...overrides,
});
