import { resolve } from 'node:path';
import { businessCalendar } from '../core/calendar.ts';
import type { CoreContext } from '../core/processor.ts';
import { loadRules } from '../core/rules.ts';
import { backtestOf } from '../backtest/backtest.ts';
import { periodOf } from '../generate/options.ts';
import type { BankOptions } from '../generate/options.ts';
import { defaultWindow } from '../backtest/outcome-map.ts';
import { reportDataOf } from '../backtest/report-data.ts';
import type { BacktestResult } from '../backtest/result.ts';
import { simulate } from '../backtest/simulation.ts';
import { backtestHeadline } from '../backtest/table.ts';
import { writeReport } from '../report/write.ts';
import { summaryText } from '../replay/summary-text.ts';
import type { ReplaySummary } from '../replay/summary.ts';
import { AlertTicker } from './ticker.ts';

export interface DemoRequest {
  bank: BankOptions;
  rulesFile: string;
  /** Where the HTML report goes. */
  out: string;
  /** Urgent and high alerts printed as they fire, at most. */
  maxAlerts: number;
}

export interface DemoEnvironment {
  stdout: (text: string) => void;
  now?: () => number;
}

export interface DemoRun {
  summary: ReplaySummary;
  backtest: BacktestResult;
  /** Absolute path of the report. */
  report: string;
  elapsedMs: number;
}

const count = (value: number) => value.toLocaleString('en-US');

/**
 * `tidewatch demo`: a small synthetic bank generated in memory, replayed by the detector with the shipped rules
 * (no Kafka, no registry, no Redis), the most important alerts printed as they fire, then the replay's summary,
 * the backtest's headline and the HTML report.
 */
export async function runDemo(request: DemoRequest, environment: DemoEnvironment): Promise<DemoRun> {
  const now = environment.now ?? (() => performance.now());
  const startedAt = now();
  const say = environment.stdout;
  const rules = loadRules(request.rulesFile);
  const core: CoreContext = { rules, calendar: businessCalendar(rules.timeZone), unassignedQueue: 'UNASSIGNED' };
  const { bank } = request;
  say(
    `tidewatch demo: a synthetic bank of ${count(bank.customers)} customers and ${bank.rms} RMs over ${bank.months} months from ${bank.start} (seed ${bank.seed}), ` +
      `replayed in memory with rules ${rules.version}: no Kafka, no registry, no Redis.\n\n`,
  );
  say(`The most important alerts (urgent and high) as they fire, ${request.maxAlerts} of them spread over the period:\n`);
  const period = periodOf(bank);
  const ticker = new AlertTicker(core.calendar, { max: request.maxAlerts, firstDay: period.startDay, days: period.endDay - period.startDay }, say);
  const simulation = await simulate({ source: { kind: 'generated', bank }, core, onAlert: (record) => ticker.offer(record) });
  ticker.finish();

  say(`\n${summaryText(simulation.summary, { input: `a generated bank of ${count(bank.customers)} customers × ${bank.months} months`, format: 'synthetic', store: 'in memory', reorder: null })}`);
  const backtest = backtestOf(simulation, defaultWindow, core.calendar, rules.version);
  say(`\nBacktest against the generator's labels (\`tidewatch backtest\` prints the table per alert kind):\n${backtestHeadline(backtest)}`);
  const report = resolve(request.out);
  await writeReport(report, reportDataOf(simulation, core, 'tidewatch demo', backtest));
  const elapsedMs = now() - startedAt;
  say(`\nReport: ${report}\nDone in ${(elapsedMs / 1000).toFixed(1)} s.\n`);
  return { summary: simulation.summary, backtest, report, elapsedMs };
}
