import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { z } from 'zod';
import { ConfigError } from '../config/env.ts';
import { assertWritable } from '../generate/output-file.ts';
import { assertReadableFile } from './readable.ts';
import { ReportInputError } from '../report/read.ts';
import { runReport } from '../report/run.ts';
import type { ReportRequest } from '../report/run.ts';

const shippedRules = fileURLToPath(new URL('../../rules/default.yaml', import.meta.url));

const cliOptionsSchema = z.object({
  alerts: z.string().min(1),
  summary: z.string().min(1).optional(),
  rules: z.string().min(1).optional(),
  out: z.string().min(1).default('tidewatch-report.html'),
  title: z.string().min(1).max(200).default('tidewatch report'),
});

const optionName = (key: PropertyKey | undefined) => `--${String(key ?? '').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

export function parseReportOptions(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): ReportRequest {
  const parsed = cliOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`invalid options for report:\n  ${parsed.error.issues.map((issue) => `${optionName(issue.path[0])}: ${issue.message}`).join('\n  ')}`);
  }
  const cli = parsed.data;
  return { alerts: cli.alerts, summary: cli.summary ?? null, rulesFile: cli.rules ?? env['TIDEWATCH_RULES_FILE'] ?? shippedRules, out: cli.out, title: cli.title };
}

async function reportCommand(raw: Record<string, unknown>): Promise<void> {
  try {
    const request = parseReportOptions(raw, process.env);
    await assertReadableFile(request.rulesFile, '--rules');
    await assertWritable([request.out]);
    const run = await runReport(request);
    if (run.rmAlerts === 0) process.stderr.write(`tidewatch: warning: ${request.alerts} holds no RM alerts; the report is empty\n`);
    process.stdout.write(`report: ${run.out} (${run.rmAlerts.toLocaleString('en-US')} RM alerts)\n`);
  } catch (error) {
    if (error instanceof ReportInputError) throw new ConfigError(error.message);
    throw error;
  }
}

/** Adds `report` to the CLI: a replay's alerts as one self-contained HTML page of charts. */
export function addReportCommand(program: Command): Command {
  program
    .command('report')
    .description(
      'turn the alerts a replay wrote (`tidewatch replay --out alerts.jsonl --summary-json summary.json`) into one self-contained HTML page: ' +
        'alerts per week by kind, load per RM, tier migration, churn scores, the customers most at risk',
    )
    .requiredOption('--alerts <file>', 'alerts as JSON Lines {"feed", "alert"} (replay --out)')
    .option('--summary <file>', 'the replay summary JSON (replay --summary-json): period, customers, events')
    .option('--rules <file>', 'rules file, for the time zone and tiers (default: $TIDEWATCH_RULES_FILE, else the shipped rules/default.yaml)')
    .option('--out <file>', 'the HTML page to write', 'tidewatch-report.html')
    .option('--title <text>', 'the page title', 'tidewatch report')
    .action(reportCommand);
  return program;
}
