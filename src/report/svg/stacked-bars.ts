import { count } from '../format.ts';
import { coordinate as c, html } from '../html.ts';
import type { Html } from '../html.ts';
import { labelStep, linear, niceTicks } from './scale.ts';

export interface BarSeries {
  name: string;
  color: string;
  /** One value per category; negative values stack downwards from zero. */
  values: readonly number[];
}

export interface StackedBarsSpec {
  /** Read by screen readers and shown on hover. */
  title: string;
  categories: readonly string[];
  series: readonly BarSeries[];
  width?: number;
  height?: number;
  yTitle?: string;
  /** Print each bar's total above it (for few bars). */
  totals?: boolean;
  /** Show at most this many category labels. */
  maxLabels?: number;
}

const MARGIN = { left: 56, right: 12, top: 18 };
/** Room under the plot for the category labels: more when they are slanted. */
const BOTTOM = { slanted: 64, level: 30 };

/** A stacked bar chart as inline SVG: one bar per category, one segment per series, every segment with a tooltip. */
export function stackedBars(spec: StackedBarsSpec): Html {
  const width = spec.width ?? 960;
  const height = spec.height ?? 300;
  const n = spec.categories.length;
  const rotate = n > 12;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotBottom = height - (rotate ? BOTTOM.slanted : BOTTOM.level);
  const positive = spec.categories.map((_, index) => spec.series.reduce((sum, series) => sum + Math.max(0, series.values[index] ?? 0), 0));
  const negative = spec.categories.map((_, index) => spec.series.reduce((sum, series) => sum + Math.min(0, series.values[index] ?? 0), 0));
  const ticks = niceTicks(Math.min(0, ...negative), Math.max(0, ...positive));
  const y = linear(ticks[0]!, ticks[ticks.length - 1]!, plotBottom, MARGIN.top);
  const band = n === 0 ? plotWidth : plotWidth / n;
  const barWidth = Math.max(1, band * 0.78);
  const step = labelStep(n, spec.maxLabels ?? 26);

  const grid = ticks.map(
    (tick) => html`<g class="tick"><line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${c(y(tick))}" y2="${c(y(tick))}" class="${tick === 0 ? 'zero' : 'grid'}"/><text x="${MARGIN.left - 6}" y="${c(y(tick) + 4)}" text-anchor="end">${count(Math.abs(tick))}</text></g>`,
  );

  const bars = spec.categories.map((category, index) => {
    const x = MARGIN.left + index * band + (band - barWidth) / 2;
    let up = 0;
    let down = 0;
    const segments = spec.series.map((series) => {
      const value = series.values[index] ?? 0;
      if (value === 0) return null;
      const from = value > 0 ? up : down;
      const to = from + value;
      if (value > 0) up = to;
      else down = to;
      const top = Math.min(y(from), y(to));
      const segmentHeight = Math.max(0.5, Math.abs(y(from) - y(to)));
      return html`<rect x="${c(x)}" y="${c(top)}" width="${c(barWidth)}" height="${c(segmentHeight)}" fill="${series.color}"><title>${category} · ${series.name}: ${count(Math.abs(value))}</title></rect>`;
    });
    const total = positive[index]!;
    const label = spec.totals === true && total > 0 ? html`<text class="total" x="${c(x + barWidth / 2)}" y="${c(y(total) - 4)}" text-anchor="middle">${count(total)}</text>` : null;
    return html`<g class="bar">${segments}${label}</g>`;
  });

  const labels = spec.categories.map((category, index) => {
    if (index % step !== 0) return null;
    const x = MARGIN.left + index * band + band / 2;
    const yLabel = plotBottom + 14;
    return rotate
      ? html`<text x="${c(x)}" y="${c(yLabel)}" text-anchor="end" transform="rotate(-40 ${c(x)} ${c(yLabel)})">${category}</text>`
      : html`<text x="${c(x)}" y="${c(yLabel)}" text-anchor="middle">${category}</text>`;
  });

  const yTitle = spec.yTitle === undefined ? null : html`<text class="axis-title" x="12" y="${c(MARGIN.top + (plotBottom - MARGIN.top) / 2)}" transform="rotate(-90 12 ${c(MARGIN.top + (plotBottom - MARGIN.top) / 2)})" text-anchor="middle">${spec.yTitle}</text>`;

  return html`<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${spec.title}" xmlns="http://www.w3.org/2000/svg"><title>${spec.title}</title>${grid}${bars}<g class="labels">${labels}</g>${yTitle}</svg>`;
}
