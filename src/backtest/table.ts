import type { Outcome } from '../generate/labels.ts';
import type { KindMetrics } from './metrics.ts';
import { patternsOf } from './outcome-map.ts';
import type { BacktestResult } from './result.ts';

const count = (value: number) => value.toLocaleString('en-US');
export const percent = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);
export const daysText = (value: number) => {
  const rounded = Math.round(value * 10) / 10;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
};

interface Column {
  header: string;
  align: 'left' | 'right';
  cell: (row: KindMetrics) => string;
}

const columns: Column[] = [
  { header: 'kind', align: 'left', cell: (row) => row.name },
  { header: 'outcome', align: 'left', cell: (row) => row.outcome },
  { header: 'feed', align: 'left', cell: (row) => row.feed },
  { header: 'alerts', align: 'right', cell: (row) => count(row.alerts) },
  { header: 'customers', align: 'right', cell: (row) => count(row.customers) },
  { header: 'precision', align: 'right', cell: (row) => percent(row.precision) },
  { header: 'alert prec.', align: 'right', cell: (row) => percent(row.alertPrecision) },
  { header: 'recall', align: 'right', cell: (row) => percent(row.recall) },
  { header: 'lead median', align: 'right', cell: (row) => (row.leadDays === null ? '-' : daysText(row.leadDays.median)) },
  { header: 'lead p10', align: 'right', cell: (row) => (row.leadDays === null ? '-' : daysText(row.leadDays.p10)) },
  { header: 'per RM-week', align: 'right', cell: (row) => (row.perRmWeek === null ? '-' : row.perRmWeek.toFixed(2)) },
];

function grid(headers: readonly string[], rows: readonly string[][], aligns: readonly ('left' | 'right')[]): string[] {
  const widths = headers.map((header, index) => Math.max(header.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => (aligns[index] === 'right' ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

function recallByPattern(result: BacktestResult, outcome: Outcome): string[] {
  const patterns = patternsOf(outcome);
  const rows = [...result.kinds, ...result.any]
    .filter((row) => row.outcome === outcome)
    .map((row) => [row.name, ...patterns.map((pattern) => percent(row.recallByPattern[pattern] ?? null))]);
  const headers = [`recall by pattern (${outcome})`, ...patterns.map((pattern) => `${pattern} (${count(result.population.byPattern[pattern] ?? 0)})`)];
  return grid(headers, rows, ['left', ...patterns.map(() => 'right' as const)]);
}

/** The backtest as the plain table a bank tunes its rules with. */
export function backtestTable(result: BacktestResult): string {
  const { population, window, rmLoad } = result;
  const busiest = rmLoad.busiest === null ? '' : ` (${rmLoad.busiest.rmId}, ${rmLoad.busiest.week})`;
  const lines = [
    `backtest of ${result.source} · rules ${result.rulesVersion}`,
    `  ${result.period.first ?? '-'} .. ${result.period.last ?? '-'} · ${count(population.customers)} customers · labelled: ${count(population.labelled.churn)} churn, ${count(population.labelled.grow)} grow, ${count(population.labelled.trap)} trap`,
    `  an alert matches a label of its outcome when detected from ${window.beforeDays} days before to ${window.afterDays} days after the label date (the day the pattern starts)`,
    '  precision: share of alerted customers with a matching label · alert prec.: share of alerts that match · recall: share of labelled customers matched',
    '  lead: end of the relationship (churn: the label\'s endDate; grow: its date) − first matching alert, in days (negative: after it) · per RM-week: mean RM-feed alerts per RM per ISO week',
    '  any churn / grow kind: every kind of the outcome that reaches an RM queue, together (LEAKAGE goes to the risk feed only)',
    '',
    ...grid(
      columns.map((column) => column.header),
      [...result.kinds, ...result.any].map((row) => columns.map((column) => column.cell(row))),
      columns.map((column) => column.align),
    ),
    '',
    ...recallByPattern(result, 'churn'),
    '',
    ...recallByPattern(result, 'grow'),
    '',
    `RM load: ${count(rmLoad.rms)} RMs × ${count(rmLoad.weeks)} ISO weeks: median ${daysText(rmLoad.median)}, p90 ${daysText(rmLoad.p90)}, max ${count(rmLoad.max)} alerts per RM-week${busiest}`,
  ];
  if (result.unscored.length > 0) {
    lines.push(
      '',
      ...grid(
        ['not scored (predict neither outcome)', 'feed', 'alerts', 'customers', 'per RM-week'],
        result.unscored.map((row) => [row.kind, 'rm', count(row.alerts), count(row.customers), row.perRmWeek === null ? '-' : row.perRmWeek.toFixed(2)]),
        ['left', 'left', 'right', 'right', 'right'],
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Two lines for the demo: how the rules did on churn and on growth, all kinds together. */
export function backtestHeadline(result: BacktestResult): string {
  const lines = result.any.map((row) => {
    const lead = row.leadDays === null ? '' : `, median ${daysText(Math.abs(row.leadDays.median))} days ${row.leadDays.median <= 0 ? 'after' : 'before'} the end (churn) or the pattern (grow)`;
    return `  ${row.outcome.padEnd(6)}${percent(row.recall)} of ${count(result.population.labelled[row.outcome])} labelled customers caught${lead}; ${percent(row.precision)} of the ${count(row.customers)} customers alerted were labelled`;
  });
  return `${lines.join('\n')}\n`;
}
