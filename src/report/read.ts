import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { alertSchema } from '../domain/alert.ts';
import { campaignOpportunitySchema } from '../domain/opportunity.ts';
import { readLines } from '../replay/inputs/lines.ts';
import { AlertLog } from './alerts.ts';
import { reportSummarySchema } from './model.ts';
import type { ReportSummary } from './model.ts';

/** One line of the alerts file `tidewatch replay --out` writes (src/replay/records.ts PublishedRecord). */
export const publishedRecordSchema = z.discriminatedUnion('feed', [
  z.object({ feed: z.literal('rm'), alert: alertSchema }),
  z.object({ feed: z.literal('risk'), alert: alertSchema }),
  z.object({ feed: z.literal('campaign'), alert: campaignOpportunitySchema }),
]);

/** A file the report cannot use: it names the file and line, and stops (a report from half a file would mislead). */
export class ReportInputError extends Error {
  override readonly name = 'ReportInputError';
}

const issues = (error: z.ZodError) =>
  error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`)
    .join('; ');

/** Reads the alerts JSON Lines into a log, every line checked against the published record's schema. */
export async function readAlerts(path: string): Promise<AlertLog> {
  const log = new AlertLog();
  for await (const { lines, firstLine } of readLines(path)) {
    lines.forEach((text, index) => {
      if (text.trim().length === 0) return;
      const where = `${path}:${firstLine + index}`;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new ReportInputError(`${where}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      const parsed = publishedRecordSchema.safeParse(value);
      if (!parsed.success) throw new ReportInputError(`${where}: not a published alert record: ${issues(parsed.error)}`);
      log.add(parsed.data);
    });
  }
  return log;
}

/** Reads a replay summary (`tidewatch replay --summary-json`). */
export async function readSummary(path: string): Promise<ReportSummary> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ReportInputError(`${path}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = reportSummarySchema.safeParse(value);
  if (!parsed.success) throw new ReportInputError(`${path}: not a replay summary: ${issues(parsed.error)}`);
  return parsed.data;
}
