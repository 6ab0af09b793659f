import { decimal } from '../format.ts';
import { coordinate as c, html } from '../html.ts';
import type { Html } from '../html.ts';
import { linear, niceTicks } from './scale.ts';

export interface HorizontalBar {
  label: string;
  value: number;
  /** A second value drawn as a tick on the same row (e.g. the busiest week against the mean). */
  marker?: number;
  tooltip: string;
}

export interface HorizontalBarsSpec {
  title: string;
  rows: readonly HorizontalBar[];
  color: string;
  markerColor: string;
  width?: number;
  xTitle?: string;
}

const ROW = 18;
const MARGIN = { left: 96, right: 24, top: 8, bottom: 40 };

/** One bar per row, labelled on the left, with an optional marker tick per row; inline SVG. */
export function horizontalBars(spec: HorizontalBarsSpec): Html {
  const width = spec.width ?? 960;
  const height = MARGIN.top + spec.rows.length * ROW + MARGIN.bottom;
  const plotBottom = height - MARGIN.bottom;
  const max = Math.max(0, ...spec.rows.map((row) => Math.max(row.value, row.marker ?? 0)));
  const ticks = niceTicks(0, max);
  const x = linear(0, ticks[ticks.length - 1]!, MARGIN.left, width - MARGIN.right);

  const grid = ticks.map(
    (tick) => html`<g class="tick"><line x1="${c(x(tick))}" x2="${c(x(tick))}" y1="${MARGIN.top}" y2="${plotBottom}" class="${tick === 0 ? 'zero' : 'grid'}"/><text x="${c(x(tick))}" y="${plotBottom + 14}" text-anchor="middle">${decimal(tick)}</text></g>`,
  );
  const rows = spec.rows.map((row, index) => {
    const top = MARGIN.top + index * ROW;
    const marker =
      row.marker === undefined
        ? null
        : html`<line class="marker" x1="${c(x(row.marker))}" x2="${c(x(row.marker))}" y1="${c(top + 2)}" y2="${c(top + ROW - 2)}" stroke="${spec.markerColor}" stroke-width="3"/>`;
    return html`<g class="row"><title>${row.tooltip}</title><text x="${MARGIN.left - 6}" y="${c(top + ROW / 2 + 4)}" text-anchor="end">${row.label}</text><rect x="${c(x(0))}" y="${c(top + 3)}" width="${c(Math.max(0.5, x(row.value) - x(0)))}" height="${ROW - 6}" fill="${spec.color}"/>${marker}</g>`;
  });
  const xTitle = spec.xTitle === undefined ? null : html`<text class="axis-title" x="${c(MARGIN.left + (width - MARGIN.left - MARGIN.right) / 2)}" y="${height - 6}" text-anchor="middle">${spec.xTitle}</text>`;
  return html`<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${spec.title}" xmlns="http://www.w3.org/2000/svg"><title>${spec.title}</title>${grid}${rows}${xTitle}</svg>`;
}
