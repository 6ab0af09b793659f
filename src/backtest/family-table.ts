import type { LabelPattern } from '../generate/labels.ts';
import type { FamilyBacktestResult } from './family.ts';
import { goalWindows, suddenPatterns, unannouncedPatterns } from './goals.ts';
import type { GoalFigures } from './goals.ts';
import { daysText, percent } from './table.ts';

const fixed = (value: number | null, digits = 1) => (value === null ? '-' : value.toFixed(digits));
const whole = (value: number | null) => (value === null ? '-' : Math.round(value).toLocaleString('en-US'));
const signedDays = (value: number | null) => (value === null ? '-' : `${value > 0 ? '+' : ''}${daysText(value)}`);

interface GoalColumn {
  header: string;
  goal: string;
  cell: (figures: GoalFigures) => string;
}

/** The table, one column per figure, its goal in the second header line. */
const goalColumns: GoalColumn[] = [
  { header: 'gradual ≥14d', goal: '≥ 60%', cell: (f) => percent(f.gradualWarned) },
  { header: 'lead median', goal: '≥ +30', cell: (f) => signedDays(f.medianLeadDays) },
  { header: 'sudden ≤1d', goal: '≥ 90%', cell: (f) => percent(f.suddenTold) },
  { header: 'timely+right', goal: '≥ 50%', cell: (f) => `${percent(f.timelyRight)} of ${whole(f.rmChurnAlerts)}` },
  { header: 'CHURN_RISK / caught', goal: 'main', cell: (f) => `${whole(f.churnRiskAlerts)} / ${percent(f.churnRiskCaught)}` },
  { header: 'traps ±30d', goal: '≤ 15%', cell: (f) => percent(f.trapAlerted) },
  { header: 'DOWNGRADE/cust', goal: '1/episode', cell: (f) => fixed(f.downgradePerCustomer, 2) },
  { header: 'RM-week med/p90', goal: '≤ 5 med', cell: (f) => `${daysText(f.rmWeekMedian)} / ${daysText(f.rmWeekP90)}` },
  { header: 'churn RM-week', goal: '≤ 5 med', cell: (f) => `${daysText(f.rmWeekChurnMedian)} / ${daysText(f.rmWeekChurnP90)}` },
];

function grid(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** The family backtest as printed: the goals per reported bank, their mean and the worst bank; then per kind and per pattern. */
export function familyTable(result: FamilyBacktestResult): string {
  const { scorecard, reported } = result;
  const w = goalWindows;
  const lines = [
    `family backtest, family seed ${result.familySeed}: scorecard ${scorecard.version} fitted on bank${result.fittedOn.length === 1 ? '' : 's'} ${result.fittedOn.map((bank) => bank.index).join(', ')}; reported on the other ${reported.length}`,
    `  scorecard holdout (${scorecard.holdout.source.split(':')[0]}): AUC ${fixed(scorecard.holdout.auc, 3)}, precision ${percent(scorecard.holdout.precisionAtAlert)}, recall ${percent(scorecard.holdout.recallAtAlert)} at score ≥ ${scorecard.alertFromScore}`,
    `  RM churn alerts: CHURN_RISK, LARGE_OUTFLOW, CUMULATIVE_OUTFLOW, DORMANCY, DOWNGRADE_RISK on the RM feed; lead counted back from each churner's endDate`,
    `  gradual ≥14d: gradual churners (every churn pattern but ${[...suddenPatterns, ...unannouncedPatterns].join(', ')}) with one ≥ ${w.earlyLeadDays} days before the end (and ≤ ${w.beforeEndDays} before)`,
    `  lead median: end − their earliest one from ${w.beforeEndDays} days before to ${w.afterEndDays} after the end · sudden ≤1d: sudden exits told by one day after the end`,
    `  timely+right: alerts of a churner whose end is ≤ ${w.beforeEndDays} days after or ≤ ${w.afterEndDays} days before the alert · traps ±30d: trap customers with one within ±${w.trapDays} days of the trap`,
    `  RM-week: every RM-feed alert (grow kinds too) per RM and ISO week · churn RM-week: the RM churn alerts alone`,
    '',
    ...grid([
      ['bank', ...goalColumns.map((column) => column.header)],
      ['goal', ...goalColumns.map((column) => column.goal)],
      ...reported.map((bank) => [`${bank.index} ${bank.rulesPreset.replace(/^rules\/(presets\/)?/, '').replace(/\.yaml$/, '')}`, ...goalColumns.map((column) => column.cell(bank.goals))]),
      ['mean', ...goalColumns.map((column) => column.cell(result.mean))],
      ['worst bank', ...goalColumns.map((column) => column.cell(result.worst))],
    ]),
    '',
  ];
  lines.push(
    ...patternGrid(result, 'gradual ≥14d, by churn pattern', 'gradualWarnedByPattern'),
    ...patternGrid(result, 'CHURN_RISK caught, by churn pattern', 'churnRiskCaughtByPattern'),
    ...patternGrid(result, 'trap customers with an RM churn alert ±30d', 'trapAlertedByPattern'),
  );
  // per kind: precision and recall against the labels (window from the label date), mean over the reported banks
  const kindNames = [...new Set(reported.flatMap((bank) => [...bank.backtest.kinds, ...bank.backtest.any].map((row) => row.name)))];
  const meanOf = (values: (number | null | undefined)[]) => {
    const present = values.filter((value): value is number => typeof value === 'number');
    return present.length === 0 ? null : present.reduce((sum, value) => sum + value, 0) / present.length;
  };
  lines.push(
    ...grid([
      ['kind (mean over reported banks)', 'feed', 'alerts', 'precision', 'recall', 'worst recall'],
      ...kindNames.map((name) => {
        const rows = reported.map((bank) => [...bank.backtest.kinds, ...bank.backtest.any].find((row) => row.name === name));
        const recalls = rows.map((row) => row?.recall ?? null).filter((value): value is number => value !== null);
        return [
          name,
          rows[0]?.feed ?? '-',
          whole(meanOf(rows.map((row) => row?.alerts))),
          percent(meanOf(rows.map((row) => row?.precision))),
          percent(meanOf(rows.map((row) => row?.recall))),
          percent(recalls.length === 0 ? null : Math.min(...recalls)),
        ];
      }),
    ]),
    '',
    'banks:',
    ...result.fittedOn.map((bank) => `  fit   ${bank.description}`),
    ...reported.map((bank) => `  judge ${bank.description}`),
  );
  return `${lines.join('\n')}\n`;
}

/** A per-pattern figure's mean and worst bank, one column per pattern. */
function patternGrid(result: FamilyBacktestResult, title: string, figure: 'gradualWarnedByPattern' | 'churnRiskCaughtByPattern' | 'trapAlertedByPattern'): string[] {
  const mean: Partial<Record<LabelPattern, number | null>> = result.mean[figure];
  const worst: Partial<Record<LabelPattern, number | null>> = result.worst[figure];
  const patterns = Object.keys(mean) as LabelPattern[];
  return [
    ...grid([
      [title, ...patterns],
      ['mean', ...patterns.map((pattern) => percent(mean[pattern] ?? null))],
      ['worst bank', ...patterns.map((pattern) => percent(worst[pattern] ?? null))],
    ]),
    '',
  ];
}
