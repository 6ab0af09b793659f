import type { Command } from 'commander';
import { z } from 'zod';
import { ConfigError, parseEnv } from '../config/env.ts';
import { createLogger } from '../observability/logger.ts';
import { parsePartitionList } from '../rebuild/plan.ts';
import { runRebuild } from '../rebuild/run.ts';
import type { RebuildRequest } from '../rebuild/run.ts';
import { rebuildSummaryText } from '../rebuild/summary.ts';

const partitionList = z.string().transform((text, context) => {
  try {
    return parsePartitionList(text);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** What commander hands over (strings and flags), checked before anything connects. */
const cliOptionsSchema = z.object({
  partitions: partitionList.optional(),
  force: z.boolean().default(false),
  requireComplete: z.boolean().default(false),
  timersUntil: z
    .string()
    .refine((value) => Number.isFinite(Date.parse(value)), 'expected an ISO date-time (e.g. 2026-03-01T10:15:00Z)')
    .transform((value) => Date.parse(value))
    .optional(),
});

const optionName = (key: PropertyKey | undefined) => `--${String(key ?? '').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

export function parseRebuildOptions(raw: Record<string, unknown>, now: number): RebuildRequest {
  const parsed = cliOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${optionName(issue.path[0])}: ${issue.message}`);
    throw new ConfigError(`invalid options for rebuild:\n  ${problems.join('\n  ')}`);
  }
  const cli = parsed.data;
  if (cli.timersUntil !== undefined && cli.timersUntil > now) throw new ConfigError('invalid options for rebuild:\n  --timers-until: must not be in the future');
  return { partitions: cli.partitions ?? null, force: cli.force, requireComplete: cli.requireComplete, timersUntil: cli.timersUntil ?? now };
}

async function rebuildCommand(raw: Record<string, unknown>): Promise<void> {
  const request = parseRebuildOptions(raw, Date.now());
  const env = parseEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL, 'tidewatch-rebuild', 'stderr');
  const summary = await runRebuild(env, request, logger, (line) => process.stderr.write(`tidewatch rebuild: ${line}\n`));
  process.stdout.write(rebuildSummaryText(summary));
}

/** Adds `rebuild` to the CLI: restores the state of partitions whose Redis lost it, from the input topics. */
export function addRebuildCommand(program: Command): Command {
  program
    .command('rebuild')
    .description(
      'restore the Redis state of input partitions whose epoch is gone (Redis emptied or restarted without its data) by replaying the input topics ' +
        'from their earliest retained offset up to the group\'s committed offsets, through the service\'s core, publishing nothing; ' +
        'then write their epochs so that a restarted service accepts them (configured by the service\'s environment; stop the service first)',
    )
    .option('--partitions <list>', 'partitions to rebuild, e.g. 0,3 (default: every partition whose epoch is missing and whose group has committed offsets)')
    .option('--force', 'run although members of the service\'s consumer group are active')
    .option('--require-complete', 'refuse, rebuilding nothing, when retention no longer holds every record the service processed (earliest retained offset above 0)')
    .option('--timers-until <date-time>', 'timers due up to this instant count as fired before the loss (alerts withheld); later ones fire after the restart (default: now)')
    .action(rebuildCommand);
  return program;
}
