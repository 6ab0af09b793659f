import { writeFile } from 'node:fs/promises';
import { loadRules, loadScorecard } from '../core/rules.ts';
import type { Scorecard } from '../core/scorecard.ts';
import { drawBankProfile } from '../generate/family.ts';
import type { FamilySize } from '../generate/family.ts';
import { rmWeekLoad } from '../report/rm-load.ts';
import { defaultFit } from '../train/fit.ts';
import { defaultOutcome } from '../train/outcome.ts';
import { coreFor, scorecardText, trainOn } from '../train/run.ts';
import { backtestOf, replayDays } from './backtest.ts';
import { familyTable } from './family-table.ts';
import { goalFigures, judgeChurnAlerts, judgedAlertLines, rmChurnKinds } from './goals.ts';
import type { GoalFigures, JudgedAlert } from './goals.ts';
import { defaultWindow } from './outcome-map.ts';
import type { BacktestResult } from './result.ts';
import { simulate } from './simulation.ts';

export interface FamilyBacktestRequest {
  familySeed: number;
  banks: number;
  /** The first `fit` banks are fitted on (the scorecard and its threshold); the others are reported on. */
  fit: number;
  size: Partial<FamilySize>;
  json: string | null;
  /** Also write the fitted scorecard. */
  scorecardOut: string | null;
  /** Judge this scorecard file instead of fitting one (the first `fit` banks are still left out). */
  scorecard: string | null;
  /** Every reported bank's RM churn alerts with their verdicts, as JSON Lines (goals.ts judgeChurnAlerts); null: not written. */
  alertsOut?: string | null;
  /** Worker threads for each reported bank's replay (the same result as one); the fit banks' training runs in this thread. */
  workers?: number;
  quiet: boolean;
}

export interface FamilyBankResult {
  index: number;
  description: string;
  rulesPreset: string;
  goals: GoalFigures;
  backtest: BacktestResult;
}

/** Everything the family backtest found (no wall-clock value: same request, same bytes). */
export interface FamilyBacktestResult {
  familySeed: number;
  fittedOn: { index: number; description: string }[];
  scorecard: Scorecard;
  reported: FamilyBankResult[];
  mean: GoalFigures;
  worst: GoalFigures;
}

type NumericGoal = { [K in keyof GoalFigures]: GoalFigures[K] extends number | null ? K : never }[keyof GoalFigures];
/** Figures where less is better: the worst bank is the highest. */
const lowerIsBetter: ReadonlySet<NumericGoal> = new Set<NumericGoal>(['trapAlerted', 'downgradePerCustomer', 'rmWeekMedian', 'rmWeekP90', 'rmWeekChurnMedian', 'rmWeekChurnP90']);

/** The mean and the worst bank of every numeric figure (per-pattern figures: mean only). */
export function summarise(banks: readonly GoalFigures[]): { mean: GoalFigures; worst: GoalFigures } {
  const keys = Object.keys(banks[0] ?? {}) as (keyof GoalFigures)[];
  const mean: Record<string, unknown> = {};
  const worst: Record<string, unknown> = {};
  for (const key of keys) {
    const first = banks[0]![key];
    if (typeof first === 'object' && first !== null) {
      const names = [...new Set(banks.flatMap((bank) => Object.keys(bank[key] as object)))].sort();
      const averaged = Object.fromEntries(names.map((name) => [name, meanOf(banks.map((bank) => (bank[key] as Record<string, number | null>)[name] ?? null))]));
      mean[key] = averaged;
      worst[key] = Object.fromEntries(
        names.map((name) => [name, extremeOf(banks.map((bank) => (bank[key] as Record<string, number | null>)[name] ?? null), key === 'trapAlertedByPattern')]),
      );
      continue;
    }
    const values = banks.map((bank) => bank[key] as number | null);
    mean[key] = meanOf(values);
    worst[key] = extremeOf(values, lowerIsBetter.has(key as NumericGoal));
  }
  return { mean: mean as unknown as GoalFigures, worst: worst as unknown as GoalFigures };
}

function meanOf(values: readonly (number | null)[]): number | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : present.reduce((sum, value) => sum + value, 0) / present.length;
}

function extremeOf(values: readonly (number | null)[], highest: boolean): number | null {
  const present = values.filter((value): value is number => value !== null);
  if (present.length === 0) return null;
  return highest ? Math.max(...present) : Math.min(...present);
}

/**
 * `tidewatch backtest --family-seed S --banks N --fit K`: N different generated banks of a family; a scorecard is
 * trained on the first K (tidewatch train: the last of them held out when K ≥ 2) and every other bank is replayed
 * with its own rules preset and that scorecard, then judged against its labels.
 */
export async function runFamilyBacktest(request: FamilyBacktestRequest, environment: { stdout: (text: string) => void; stderr: (text: string) => void }): Promise<FamilyBacktestResult> {
  const profiles = Array.from({ length: request.banks }, (_, index) => drawBankProfile(request.familySeed, index, request.size));
  const fitProfiles = profiles.slice(0, request.fit);
  // a given scorecard is judged as it is (the banks before --fit are skipped all the same); else one is fitted
  const given = request.scorecard === null ? null : loadScorecard(request.scorecard, true);
  const trained = given !== null ? { card: given } : await trainOn(
    {
      banks: fitProfiles.map((profile) => ({ source: { kind: 'generated', bank: profile.options, description: profile.description }, rulesFile: profile.rulesFile })),
      horizonDays: 90,
      outcome: defaultOutcome,
      everyDays: 7,
      fit: defaultFit,
      holdoutBanks: request.fit >= 2 ? 1 : 0,
      fitShare: 0.6,
      out: null,
      quiet: request.quiet,
      sourceName: `generated family ${request.familySeed}`,
    },
    environment,
  );
  if (request.scorecardOut !== null) await writeFile(request.scorecardOut, scorecardText(trained.card));
  const reported: FamilyBankResult[] = [];
  const judged: JudgedAlert[] = [];
  for (const [offset, profile] of profiles.slice(request.fit).entries()) {
    const startedAt = performance.now();
    const rules = loadRules(profile.rulesFile);
    rules.churn.scorecard = trained.card;
    const core = coreFor(rules);
    const simulation = await simulate({ source: { kind: 'generated', bank: profile.options, description: profile.description }, core, workers: request.workers });
    const backtest = backtestOf(simulation, defaultWindow, core.calendar, `${rules.version} + scorecard ${trained.card.version}`);
    const days = replayDays(simulation, core.calendar);
    const scope = { rmIds: simulation.rmIds, firstDay: days?.first ?? 0, lastDay: days?.last ?? 0, dayOf: core.calendar.dayOf };
    const load = { all: rmWeekLoad(simulation.log.rm, scope), churn: rmWeekLoad(simulation.log.rm.filter((alert) => rmChurnKinds.has(alert.kind)), scope) };
    const goals = goalFigures(simulation.log.rm, simulation.labels, core.calendar.dayOf, load);
    const bank = request.fit + offset;
    if (request.alertsOut != null) judged.push(...judgeChurnAlerts(simulation.log.rm, simulation.labels, core.calendar.dayOf).map((alert) => ({ ...alert, bank })));
    reported.push({ index: request.fit + offset, description: profile.description, rulesPreset: profile.rulesPreset, goals, backtest });
    if (!request.quiet) environment.stderr(`backtest: bank ${request.fit + offset} judged in ${((performance.now() - startedAt) / 1000).toFixed(1)} s\n`);
  }
  const { mean, worst } = summarise(reported.map((bank) => bank.goals));
  const result: FamilyBacktestResult = {
    familySeed: request.familySeed,
    fittedOn: fitProfiles.map((profile, index) => ({ index, description: profile.description })),
    scorecard: trained.card,
    reported,
    mean,
    worst,
  };
  if (request.json !== null) await writeFile(request.json, `${JSON.stringify(result, null, 2)}\n`);
  if (request.alertsOut != null) await writeFile(request.alertsOut, judgedAlertLines(judged));
  if (!request.quiet) environment.stdout(familyTable(result));
  return result;
}
