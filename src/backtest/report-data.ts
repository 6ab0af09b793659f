import type { CoreContext } from '../core/processor.ts';
import type { ReportData } from '../report/model.ts';
import type { BacktestResult } from './result.ts';
import type { Simulation } from './simulation.ts';

/** A simulation as the report shows it: its alerts, summary, RMs, final scores and (if run) the backtest. */
export function reportDataOf(simulation: Simulation, core: CoreContext, title: string, backtest: BacktestResult | null): ReportData {
  return {
    title,
    source: simulation.description,
    timeZone: core.rules.timeZone,
    rulesVersion: core.rules.version,
    tiers: core.rules.tiers.levels.map((level) => level.name),
    log: simulation.log,
    summary: simulation.summary,
    rmIds: simulation.rmIds,
    scores: simulation.scores,
    backtest,
  };
}
