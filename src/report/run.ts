import { existsSync } from 'node:fs';
import { loadRules } from '../core/rules.ts';
import { readAlerts, readSummary, ReportInputError } from './read.ts';
import { writeReport } from './write.ts';

export interface ReportRequest {
  alerts: string;
  summary: string | null;
  rulesFile: string;
  out: string;
  title: string;
}

export interface ReportRun {
  out: string;
  rmAlerts: number;
}

/** `tidewatch report`: the alerts file (and the summary) of a replay, as one HTML page. */
export async function runReport(request: ReportRequest): Promise<ReportRun> {
  for (const path of [request.alerts, request.summary]) {
    if (path !== null && !existsSync(path)) throw new ReportInputError(`${path}: no such file`);
  }
  const rules = loadRules(request.rulesFile);
  const log = await readAlerts(request.alerts);
  const summary = request.summary === null ? null : await readSummary(request.summary);
  await writeReport(request.out, {
    title: request.title,
    source: `alerts from ${request.alerts}${request.summary === null ? '' : `, summary from ${request.summary}`}`,
    timeZone: rules.timeZone,
    rulesVersion: log.rm[0]?.rulesVersion ?? null,
    tiers: rules.tiers.levels.map((level) => level.name),
    log,
    summary,
    rmIds: [],
    scores: null,
    backtest: null,
  });
  return { out: request.out, rmAlerts: log.rm.length };
}
