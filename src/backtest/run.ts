import { writeOutputFile } from '../generate/output-file.ts';
import { businessCalendar } from '../core/calendar.ts';
import type { CoreContext } from '../core/processor.ts';
import { loadRules } from '../core/rules.ts';
import { writeReport } from '../report/write.ts';
import { ReplayProgress } from '../replay/progress.ts';
import { backtestOf } from './backtest.ts';
import { judgeChurnAlerts, judgedAlertLines } from './goals.ts';
import type { BankSource } from './bank-source.ts';
import type { MatchWindow } from './outcome-map.ts';
import { reportDataOf } from './report-data.ts';
import type { BacktestResult } from './result.ts';
import { simulate } from './simulation.ts';
import { backtestTable } from './table.ts';

export interface BacktestRequest {
  source: BankSource;
  rulesFile: string;
  window: MatchWindow;
  /** The result as JSON; null: not written. */
  json: string | null;
  /** The HTML report (with the backtest's table); null: not written. */
  report: string | null;
  /** The RM churn alerts with their verdicts, as JSON Lines (goals.ts judgeChurnAlerts); null: not written. */
  alertsOut?: string | null;
  quiet: boolean;
  /** Worker threads for the replay (default 1: in this thread); the same result either way. */
  workers?: number;
  unassignedQueue?: string;
}

export interface BacktestEnvironment {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stderrIsTTY: boolean;
}

/** `tidewatch backtest`: replay a labelled bank in memory, judge the alerts against the labels, print the table. */
export async function runBacktest(request: BacktestRequest, environment: BacktestEnvironment): Promise<BacktestResult> {
  const startedAt = performance.now();
  const rules = loadRules(request.rulesFile);
  const core: CoreContext = { rules, calendar: businessCalendar(rules.timeZone), unassignedQueue: request.unassignedQueue ?? 'UNASSIGNED' };
  const progress = new ReplayProgress(environment.stderr, environment.stderrIsTTY && !request.quiet, null);
  const simulation = await simulate({ source: request.source, core, workers: request.workers, onProgress: (events) => progress.events(events) }).finally(() => progress.finish());
  const result = backtestOf(simulation, request.window, core.calendar, rules.version);
  if (request.json !== null) await writeOutputFile(request.json, `${JSON.stringify(result, null, 2)}\n`);
  if (request.alertsOut != null) await writeOutputFile(request.alertsOut, judgedAlertLines(judgeChurnAlerts(simulation.log.rm, simulation.labels, core.calendar.dayOf)));
  if (request.report !== null) {
    await writeReport(request.report, reportDataOf(simulation, core, 'tidewatch backtest', result));
  }
  if (!request.quiet) {
    environment.stdout(backtestTable(result));
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    environment.stderr(`backtest: ${simulation.summary.events.toLocaleString('en-US')} events replayed and judged in ${seconds} s${request.report === null ? '' : `; report ${request.report}`}\n`);
  }
  return result;
}
