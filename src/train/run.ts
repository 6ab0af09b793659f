import { writeFile } from 'node:fs/promises';
import { businessCalendar } from '../core/calendar.ts';
import type { CoreContext } from '../core/processor.ts';
import { loadRules } from '../core/rules.ts';
import type { Rules } from '../core/rules.ts';
import type { Scorecard } from '../core/scorecard.ts';
import type { BankSource } from '../backtest/bank-source.ts';
import type { FitOptions, SliceDescription, TrainedScorecard } from './fit.ts';
import { trainScorecard } from './fit.ts';
import { replayHistory } from './history.ts';
import type { ReplayedBank, Sample } from './history.ts';
import type { OutcomeDefinition } from './outcome.ts';

/** One bank of the history and the rules it is replayed with (its own preset for a family bank). */
export interface HistoryBank {
  source: BankSource;
  rulesFile: string;
}

export interface TrainRequest {
  banks: HistoryBank[];
  horizonDays: number;
  outcome: OutcomeDefinition;
  everyDays: number;
  fit: FitOptions;
  /** Hold out the last this many banks whole (0: hold out a later time slice of every bank). */
  holdoutBanks: number;
  /** Time split: the fit takes the first this share of each bank's labelable days, the holdout the rest. */
  fitShare: number;
  out: string | null;
  quiet: boolean;
  /** A label for the source (e.g. the family and its seed); default: the banks' descriptions. */
  sourceName?: string;
}

export interface TrainEnvironment {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface TrainResult extends TrainedScorecard {
  banks: Pick<ReplayedBank, 'description' | 'customers' | 'ends' | 'sampled' | 'censored'>[];
}

export function coreFor(rules: Rules): CoreContext {
  return { rules, calendar: businessCalendar(rules.timeZone), unassignedQueue: 'UNASSIGNED' };
}

interface Split {
  fit: Sample[];
  holdout: Sample[];
  slices: { fit: SliceDescription; holdout: SliceDescription };
}

const spanOf = (samples: readonly Sample[], source: string): SliceDescription => ({
  source,
  fromDay: samples.reduce((low, sample) => Math.min(low, sample.day), Number.POSITIVE_INFINITY),
  toDay: samples.reduce((high, sample) => Math.max(high, sample.day), 0),
});

/**
 * Fit and holdout samples. With held-out banks: those banks whole against the others. Otherwise a time split per
 * bank at a cut day (out of time: the holdout's customer-days all come after the fit's; the fit's outcomes may look
 * past the cut, as an outcome observed later always does).
 */
export function splitSamples(replayed: readonly ReplayedBank[], request: Pick<TrainRequest, 'holdoutBanks' | 'fitShare' | 'horizonDays' | 'outcome'>, source: string): Split {
  const fit: Sample[] = [];
  const holdout: Sample[] = [];
  const heldOut = Math.min(request.holdoutBanks, Math.max(0, replayed.length - 1));
  replayed.forEach((bank, index) => {
    if (heldOut > 0) {
      (index >= replayed.length - heldOut ? holdout : fit).push(...bank.samples);
      return;
    }
    const confirm = Math.max(request.outcome.moneyGoneDays, request.outcome.inactiveDays);
    const lastLabelable = bank.lastDay - request.horizonDays - confirm;
    const cut = bank.firstDay + Math.floor(request.fitShare * (lastLabelable - bank.firstDay));
    for (const sample of bank.samples) (sample.day < cut ? fit : holdout).push(sample);
  });
  const describeBanks = (banks: readonly ReplayedBank[]) => banks.map((bank) => bank.description).join('; ');
  const fitSource = heldOut > 0 ? `${source}: ${describeBanks(replayed.slice(0, replayed.length - heldOut))}` : `${source}: earlier days`;
  const holdoutSource = heldOut > 0 ? `${source}: other banks: ${describeBanks(replayed.slice(replayed.length - heldOut))}` : `${source}: later days of the same banks`;
  return { fit, holdout, slices: { fit: spanOf(fit, fitSource), holdout: spanOf(holdout, holdoutSource) } };
}

/** Replays every bank of the history and fits a scorecard on it (`tidewatch train`, and the family backtest's fit). */
export async function trainOn(request: TrainRequest, environment: TrainEnvironment): Promise<TrainResult> {
  const replayed: ReplayedBank[] = [];
  for (const [index, bank] of request.banks.entries()) {
    const startedAt = performance.now();
    const history = await replayHistory({
      source: bank.source,
      core: coreFor(loadRules(bank.rulesFile)),
      bank: index,
      horizonDays: request.horizonDays,
      outcome: request.outcome,
      everyDays: request.everyDays,
    });
    // the alert log is not needed for a fit: keep only what the split and the summary need
    replayed.push({ ...history, simulation: undefined as never });
    if (!request.quiet) {
      const positives = history.samples.filter((sample) => sample.positive).length;
      environment.stderr(
        `train: bank ${index + 1}/${request.banks.length} replayed in ${((performance.now() - startedAt) / 1000).toFixed(1)} s: ${history.description}; ` +
          `${history.samples.length.toLocaleString('en-US')} samples (${positives.toLocaleString('en-US')} followed by an end), ends: ${history.ends.money_gone} money gone, ${history.ends.inactive} activity stopped\n`,
      );
    }
  }
  const source = request.sourceName ?? `${replayed.length} replayed bank${replayed.length === 1 ? '' : 's'}`;
  const split = splitSamples(replayed, request, source);
  if (split.fit.length === 0 || split.holdout.length === 0) throw new TrainError(`not enough history: ${split.fit.length} fit and ${split.holdout.length} holdout samples`);
  const trained = trainScorecard(split.fit, split.holdout, split.slices, request.horizonDays, request.outcome, request.fit);
  if (request.out !== null) await writeFile(request.out, scorecardText(trained.card));
  if (!request.quiet) environment.stdout(trainSummary(trained));
  return { ...trained, banks: replayed.map(({ description, customers, ends, sampled, censored }) => ({ description, customers, ends, sampled, censored })) };
}

export class TrainError extends Error {
  override readonly name = 'TrainError';
}

/** The file's bytes: one feature per line, so a diff between two fits reads feature by feature. */
export function scorecardText(card: Scorecard): string {
  const { features, ...head } = card;
  const lines = JSON.stringify(head, null, 2).split('\n');
  lines.pop();
  lines[lines.length - 1] += ',';
  lines.push('  "features": [', features.map((feature) => `    ${JSON.stringify(feature)}`).join(',\n'), '  ]', '}');
  return `${lines.join('\n')}\n`;
}

const percent = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);

export function trainSummary(trained: TrainedScorecard): string {
  const { card } = trained;
  const lines = [
    `scorecard ${card.version}: chance (percent) that the relationship ends within ${card.horizonDays} days`,
    `  fit:     ${card.trainedOn.fromDay} .. ${card.trainedOn.toDay}, ${card.trainedOn.samples.toLocaleString('en-US')} samples, ${card.trainedOn.positives.toLocaleString('en-US')} positive; AUC ${trained.fit.auc?.toFixed(3) ?? '-'}, precision ${percent(trained.fit.precisionAtAlert)}, recall ${percent(trained.fit.recallAtAlert)}`,
    `  holdout: ${card.holdout.fromDay} .. ${card.holdout.toDay}, ${card.holdout.samples.toLocaleString('en-US')} samples, ${card.holdout.positives.toLocaleString('en-US')} positive; AUC ${card.holdout.auc?.toFixed(3) ?? '-'}, precision ${percent(card.holdout.precisionAtAlert)}, recall ${percent(card.holdout.recallAtAlert)}`,
    `  alertFromScore ${card.alertFromScore} (${trained.thresholdRule === 'precision' ? 'lowest score with fit precision ≥ 50% and recall ≥ 10%' : 'no score reached 50% fit precision with 10% recall: the F1 maximiser'}), clearBelowScore ${card.clearBelowScore}`,
    '  feature                    bins  points (lowest .. highest)  missing',
    ...card.features.map((feature) => {
      const low = Math.min(...feature.points).toFixed(2);
      const high = Math.max(...feature.points).toFixed(2);
      return `  ${feature.name.padEnd(26)} ${String(feature.points.length).padStart(4)}  ${`${low} .. ${high}`.padStart(26)}  ${feature.missingPoints.toFixed(2).padStart(7)}`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}
