import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { z } from 'zod';
import { ConfigError } from '../config/env.ts';
import { assertWritable } from '../generate/output-file.ts';
import { assertReadableFile } from './readable.ts';
import { DEFAULT_CHUNK_SIZE } from '../replay/engine.ts';
import { inputFormats } from '../replay/input.ts';
import { DEFAULT_WORKERS_CAP, MAX_WORKERS, defaultWorkerCount } from '../replay/parallel/coordinator.ts';
import { runReplay } from '../replay/run.ts';
import type { ReplayRequest } from '../replay/run.ts';

const shippedRules = fileURLToPath(new URL('../../rules/default.yaml', import.meta.url));
const wholeNumber = z.coerce.number().int();
const isoDateOrTime = z.string().refine((value) => Number.isFinite(Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)), 'expected an ISO date or date-time');

/** What commander hands over (strings and flags), checked before anything is read. */
const cliOptionsSchema = z.object({
  input: z.string().min(1),
  format: z.enum(inputFormats).optional(),
  profiles: z.string().min(1).optional(),
  outcomes: z.string().min(1).optional(),
  products: z.string().min(1).optional(),
  profileUpdates: z.string().min(1).optional(),
  rmAssignment: z.string().min(1).optional(),
  rules: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  deadLetters: z.string().min(1).optional(),
  summaryJson: z.string().min(1).optional(),
  redis: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL').optional(),
  keep: z.boolean().default(false),
  until: isoDateOrTime.optional(),
  chunkSize: wholeNumber.min(1).max(100_000).default(DEFAULT_CHUNK_SIZE),
  workers: wholeNumber.min(1).max(MAX_WORKERS).optional(),
  reorderDays: wholeNumber.min(0).max(366).optional(),
  unassignedQueue: z.string().min(1).default('UNASSIGNED'),
  quiet: z.boolean().default(false),
});

const optionName = (key: PropertyKey | undefined) => `--${String(key ?? '').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

export function parseReplayOptions(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): ReplayRequest {
  const parsed = cliOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${optionName(issue.path[0])}: ${issue.message}`);
    throw new ConfigError(`invalid options for replay:\n  ${problems.join('\n  ')}`);
  }
  const cli = parsed.data;
  if (cli.keep && cli.redis === undefined) throw new ConfigError('invalid options for replay:\n  --keep: applies to --redis only');
  if ((cli.workers ?? 1) > 1 && cli.redis !== undefined) throw new ConfigError('invalid options for replay:\n  --workers: with --redis the replay runs in one thread (--workers 1)');
  return {
    input: { input: cli.input, format: cli.format, profiles: cli.profiles, outcomes: cli.outcomes, products: cli.products, profileUpdates: cli.profileUpdates, rmAssignment: cli.rmAssignment, reorderDays: cli.reorderDays },
    rulesFile: cli.rules ?? env['TIDEWATCH_RULES_FILE'] ?? shippedRules,
    out: cli.out ?? null,
    deadLetters: cli.deadLetters ?? null,
    summaryJson: cli.summaryJson ?? null,
    redis: cli.redis ?? null,
    keep: cli.keep,
    until: cli.until ?? null,
    chunkSize: cli.chunkSize,
    // worker threads keep their state in memory: a Redis replay runs in one
    workers: cli.workers ?? (cli.redis === undefined ? defaultWorkerCount() : 1),
    unassignedQueue: cli.unassignedQueue,
    quiet: cli.quiet,
  };
}

/** Mistakes in what the command was given: said in one line (exit 2), not as a stack trace. */
const usageErrors = new Set(['ReplayOptionError', 'InputError', 'CsvHeaderError', 'BerkaFormatError', 'RmAssignmentError', 'RulesError']);

async function replayCommand(raw: Record<string, unknown>): Promise<void> {
  // Ctrl-C stops at the next batch, so that half-written files and the Redis keys are cleaned up
  const interrupted = new AbortController();
  const interrupt = () => interrupted.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const request = parseReplayOptions(raw, process.env);
    await assertReadableFile(request.rulesFile, '--rules');
    await assertWritable([request.out, request.deadLetters, request.summaryJson]);
    const run = await runReplay(
      { ...request, signal: interrupted.signal },
      { stdout: process.stdout, stderr: (text) => process.stderr.write(text), stderrIsTTY: process.stderr.isTTY === true },
    );
    if (run.summary.events === 0) process.stderr.write(`tidewatch: warning: ${request.input.input} holds no transactions; nothing was replayed\n`);
  } catch (error) {
    if (interrupted.signal.aborted) {
      process.stderr.write('tidewatch: replay interrupted; nothing was written\n');
      process.exit(130);
    }
    if (error instanceof Error && usageErrors.has(error.name)) throw new ConfigError(`replay: ${error.message}`);
    throw error;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

/** Adds `replay` to the CLI: the detector over a file, in event time, without Kafka. */
export function addReplayCommand(program: Command): Command {
  program
    .command('replay')
    .description(
      'run the detector over a file of transactions in event time (timers such as dormancy fire as the data moves on), ' +
        'in memory or on Redis, and report the alerts each RM would have had',
    )
    .requiredOption('--input <path>', 'transactions: a .jsonl or .csv file, a folder from `tidewatch generate`, or the PKDD\'99 folder (--format berka)')
    .option('--format <format>', `${inputFormats.join(' | ')} (default: from the input)`)
    .option('--profiles <file>', 'customer profiles, JSON Lines or .csv (default: profiles.jsonl of a generated folder)')
    .option('--outcomes <file>', 'RM outcomes, JSON Lines {alertId, customerId, kind, outcome, recordedAt}, handed over as stream time reaches them')
    .option('--products <file>', 'product events (time deposits, wealth products), JSON Lines of ProductEvent records in event-time order')
    .option('--profile-updates <file>', 'changes of customer profiles during the period (RM reassigned or departed), JSON Lines of CustomerProfile records in updatedAt order')
    .option('--rm-assignment <file>', 'CSV customerId,rmId overriding the profiles\' RM (berka: default one RM per district)')
    .option('--rules <file>', 'rules file (default: $TIDEWATCH_RULES_FILE, else the shipped rules/default.yaml)')
    .option('--out <file>', 'alerts as JSON Lines {"feed", "alert"} in publish order; - for standard output')
    .option('--dead-letters <file>', 'refused records as JSON Lines, with reason and place')
    .option('--summary-json <file>', 'the summary as JSON')
    .option('--redis <url>', 'keep the state in Redis (under a prefix of its own, removed at the end) instead of in memory')
    .option('--keep', 'with --redis: leave the keys in place')
    .option('--until <date>', 'let time run on after the last event up to this ISO date (through its end) or date-time, firing due timers')
    .option('--chunk-size <n>', 'records per core batch (at most)', String(DEFAULT_CHUNK_SIZE))
    .option('--workers <n>', `worker threads, customers split by household, same output as one (default: the CPUs, at most ${DEFAULT_WORKERS_CAP}; 1 with --redis)`)
    .option('--reorder-days <n>', 'put rows up to n days out of order back in event-time order (berka default 0: within each day by trans_id)')
    .option('--unassigned-queue <name>', 'RM queue of customers without an RM', 'UNASSIGNED')
    .option('--quiet', 'no progress bar and no summary')
    .action(replayCommand);
  return program;
}
