import type { BusinessCalendar } from '../../core/calendar.ts';
import { countsByKind, weekBuckets } from '../aggregate.ts';
import { count, decimal } from '../format.ts';
import { html } from '../html.ts';
import type { Html } from '../html.ts';
import type { ReportData } from '../model.ts';
import { accent, kindColors, neutral } from '../palette.ts';
import type { RmWeekLoad } from '../rm-load.ts';
import { horizontalBars } from '../svg/horizontal-bars.ts';
import { legend } from '../svg/legend.ts';
import { stackedBars } from '../svg/stacked-bars.ts';

/** At most this many RMs get a row; the rest are summed up in a note. */
const MAX_RM_ROWS = 60;

/** RM-feed alerts per ISO week, stacked by kind. */
export function weeklyAlerts(data: ReportData, days: { first: number; last: number } | null, calendar: BusinessCalendar): Html {
  if (days === null || data.log.rm.length === 0) return html`<p class="empty">No alerts reached an RM queue.</p>`;
  const buckets = weekBuckets(days);
  const series = countsByKind(data.log.rm, buckets, calendar).map(({ kind, values }) => ({ name: kind, color: kindColors[kind], values }));
  const chart = stackedBars({ title: 'Alerts to RM queues per ISO week, by kind', categories: buckets.labels, series, yTitle: 'alerts per week', maxLabels: 20 });
  const totals = series.map((entry) => ({ name: entry.name, color: entry.color, note: count(entry.values.reduce((sum, value) => sum + value, 0)) }));
  return html`<figure>${chart}<figcaption>${legend(totals)}</figcaption></figure>`;
}

/** Mean alerts per week for each RM, with a tick at the RM's busiest week. */
export function rmLoadChart(load: RmWeekLoad): Html {
  if (load.rms === 0) return html`<p class="empty">No RM is known.</p>`;
  const shown = load.perRm.slice(0, MAX_RM_ROWS);
  const chart = horizontalBars({
    title: 'Alerts per RM: mean per week and busiest week',
    rows: shown.map((row) => ({
      label: row.rmId,
      value: row.meanPerWeek,
      marker: row.maxPerWeek,
      tooltip: `${row.rmId}: ${count(row.alerts)} alerts in ${count(load.weeks)} weeks, ${decimal(row.meanPerWeek)} a week on average, at most ${count(row.maxPerWeek)}${row.busiestWeek === null ? '' : ` (${row.busiestWeek})`}`,
    })),
    color: neutral,
    markerColor: accent,
    xTitle: 'alerts per week',
  });
  const rest = load.perRm.length - shown.length;
  return html`<figure>${chart}<figcaption>${legend([
    { name: 'mean alerts per week', color: neutral },
    { name: 'busiest week', color: accent },
  ])}<p class="muted">${count(load.rms)} RMs × ${count(load.weeks)} ISO weeks: median ${decimal(load.median)}, 90th percentile ${decimal(load.p90)}, max ${count(load.max)} alerts per RM-week.${rest > 0 ? ` The ${count(rest)} least loaded RMs are not drawn.` : ''}</p></figcaption></figure>`;
}
