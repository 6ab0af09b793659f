import type { KindMetrics } from '../../backtest/metrics.ts';
import { patternsOf } from '../../backtest/outcome-map.ts';
import type { BacktestResult } from '../../backtest/result.ts';
import type { AlertKind } from '../../domain/alert.ts';
import { alertKinds } from '../../domain/alert.ts';
import { count, decimal, share } from '../format.ts';
import { html } from '../html.ts';
import type { Html } from '../html.ts';
import { kindColors } from '../palette.ts';

const isKind = (name: string): name is AlertKind => (alertKinds as readonly string[]).includes(name);

function row(metrics: KindMetrics, patternColumns: number): Html {
  const patterns = patternsOf(metrics.outcome);
  const padding = Array.from({ length: patternColumns - patterns.length }, () => html`<td></td>`);
  const swatch = isKind(metrics.name) ? html`<span class="swatch" style="background:${kindColors[metrics.name]}"></span>` : null;
  const lead = metrics.leadDays;
  return html`<tr class="${isKind(metrics.name) ? '' : 'strong'}"><th scope="row">${swatch}${metrics.name}</th><td class="text">${metrics.outcome}</td><td class="text">${metrics.feed}</td><td>${count(metrics.alerts)}</td><td>${count(metrics.customers)}</td><td>${share(metrics.precision)}</td><td>${share(metrics.alertPrecision)}</td><td>${share(metrics.recall)}</td>${patterns.map((pattern) => html`<td class="pattern">${pattern}: ${share(metrics.recallByPattern[pattern] ?? null)}</td>`)}${padding}<td>${lead === null ? '–' : decimal(lead.median)}</td><td>${lead === null ? '–' : decimal(lead.p10)}</td><td>${metrics.perRmWeek === null ? '–' : metrics.perRmWeek.toFixed(2)}</td></tr>`;
}

/** The backtest's table, when the report was written with one. */
export function backtestSection(result: BacktestResult): Html {
  const rows = [...result.kinds, ...result.any];
  const patternColumns = Math.max(...rows.map((metrics) => patternsOf(metrics.outcome).length));
  const body = rows.map((metrics) => row(metrics, patternColumns));
  const { population, window } = result;
  return html`<p>${count(population.customers)} customers, ${count(population.labelled.churn)} labelled churn and ${count(population.labelled.grow)} labelled grow. An alert matches a label of its outcome when it is detected from ${window.beforeDays} days before to ${window.afterDays} days after the label date (the day the pattern starts). <em>Precision</em>: share of the customers alerted with a matching label; <em>alert precision</em>: share of the alerts that match; <em>recall</em>: share of the labelled customers matched (per pattern too); <em>lead</em>: label date − first matching alert in days (negative: after the pattern began); <em>per RM-week</em>: mean alerts per RM per ISO week.</p>
<div class="scroll"><table class="numbers backtest"><thead><tr><th scope="col">kind</th><th scope="col">outcome</th><th scope="col">feed</th><th scope="col">alerts</th><th scope="col">customers</th><th scope="col">precision</th><th scope="col">alert prec.</th><th scope="col">recall</th><th scope="colgroup" colspan="${patternColumns}">recall by pattern</th><th scope="col">lead median</th><th scope="col">lead p10</th><th scope="col">per RM-week</th></tr></thead><tbody>${body}</tbody></table></div>`;
}
