import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { MAX_WORKERS } from '../src/replay/parallel/coordinator.ts';

export const REPLAY_BENCH_USAGE = `Usage: npm run bench:replay -- [options]

How fast \`tidewatch replay\` runs in memory, against reading + JSON.parse of the same file in the same run
(issue 12's ratio), or, with --memory, whether its memory stays flat over millions of postings. Not part of npm test.
Prints a table and one JSON line; exits 1 only when something does not work (input in another currency than the
rules, more than 1% of postings refused, worker replays writing other alerts than the first, fewer postings
replayed than fed, a failed replay), 2 on a wrong option; never because a speed goal is missed.

Speed (default):
  --input DIR|FILE.jsonl   a generated folder or a transactions file (default: generate --customers × --months)
  --rules FILE             rules file; must match the input's currency (default rules/default.yaml)
  --customers N            customers of the generated bank (default 2000; with --memory 10000)
  --months M               months of the generated bank (default 6)
  --workers LIST           one replay per count of worker threads, e.g. 1,2,3 (default 1,2; at most ${MAX_WORKERS})
  --chunk-size N           records per batch (default 2000)

Memory (--memory N):
  --memory N               replay N postings (e.g. 10000000) of a generated bank of --customers customers, streamed
                           from a generator process through a named pipe (nothing on disk but the profiles), in one
                           thread, and take RSS, heap and live heap (after a full GC) every --sample-every postings
  --sample-every N         postings between two looks at memory (default 500000)
  --seed S                 seed of the generated bank (default 42)

  -h, --help               this text

Examples:
  npm run bench:replay
  npm run bench:replay -- --input /tmp/speedbank --workers 1,2
  npm run bench:replay -- --input bank/ --rules rules/presets/cn-card-daily-average.yaml
  npm run bench:replay -- --memory 10000000 --customers 10000
  node --cpu-prof --import tsx bench/replay.ts ...   (a CPU profile of the whole run)
`;

const count = z.coerce.number().int().positive();

const optionsSchema = z.object({
  input: z.string().min(1).optional(),
  rules: z.string().min(1).default(fileURLToPath(new URL('../rules/default.yaml', import.meta.url))),
  customers: count.optional(),
  months: count.default(6),
  'chunk-size': count.default(2_000),
  /** Replays to time in this run, each with this many worker threads (1: the replay in one thread). */
  workers: z
    .string()
    .default('1,2')
    .transform((text) => text.split(',').map(Number))
    .pipe(z.array(z.number().int().min(1).max(MAX_WORKERS)).min(1)),
  memory: count.optional(),
  'sample-every': count.default(500_000),
  seed: z.coerce.number().int().min(0).max(0xffff_ffff).default(42),
});

export type ReplayBenchOptions = Omit<z.infer<typeof optionsSchema>, 'customers'> & { customers: number };

/** A wrong option: the bench prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The command line of `bench:replay`: `help` when asked for, else the options checked (UsageError when wrong). */
export function parseReplayBenchArgs(args: readonly string[]): { help: true } | { help: false; options: ReplayBenchOptions } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        help: { type: 'boolean', short: 'h' },
        input: { type: 'string' },
        rules: { type: 'string' },
        customers: { type: 'string' },
        months: { type: 'string' },
        'chunk-size': { type: 'string' },
        workers: { type: 'string' },
        memory: { type: 'string' },
        'sample-every': { type: 'string' },
        seed: { type: 'string' },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return { help: true };
  const { help: _help, ...rest } = values;
  const parsed = optionsSchema.safeParse(rest);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; '));
  const options = parsed.data;
  if (options.memory !== undefined) {
    const speedOnly = (['input', 'months', 'workers'] as const).filter((key) => rest[key] !== undefined);
    if (speedOnly.length > 0) throw new UsageError(`--memory generates its own input and replays in one thread: ${speedOnly.map((key) => `--${key}`).join(', ')} do not apply`);
  } else {
    const memoryOnly = (['sample-every', 'seed'] as const).filter((key) => rest[key] !== undefined);
    if (memoryOnly.length > 0) throw new UsageError(`${memoryOnly.map((key) => `--${key}`).join(', ')} apply to --memory only`);
  }
  return { help: false, options: { ...options, customers: options.customers ?? (options.memory === undefined ? 2_000 : 10_000) } };
}
