import { businessCalendar, isoDateOf } from '../core/calendar.ts';
import { reportDays } from './aggregate.ts';
import { html, raw } from './html.ts';
import type { Html } from './html.ts';
import type { ReportData } from './model.ts';
import { rmWeekLoad } from './rm-load.ts';
import { backtestSection } from './sections/backtest.ts';
import { scoreDistribution, topAtRisk } from './sections/churn.ts';
import { kindTable, overviewTiles } from './sections/overview.ts';
import { tierChart } from './sections/tiers.ts';
import { rmLoadChart, weeklyAlerts } from './sections/volume.ts';
import { REPORT_CSS } from './style.ts';

/**
 * No script, no request: the page may only use its own inline styles. A chart that tried to load anything would
 * be refused (and the refusal is a console error the Chromium test looks for).
 */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

function section(id: string, title: string, intro: string | null, body: Html): Html {
  return html`<section id="${id}"><h2>${title}</h2>${intro === null ? null : html`<p class="intro">${intro}</p>`}${body}</section>`;
}

/** The report as one self-contained HTML page: inline CSS and SVG, nothing fetched, every text from the data escaped. */
export function renderReport(data: ReportData): string {
  const calendar = businessCalendar(data.timeZone);
  const days = reportDays(data, calendar);
  const load = rmWeekLoad(data.log.rm, { rmIds: data.rmIds, firstDay: days?.first ?? 0, lastDay: days?.last ?? 0, dayOf: calendar.dayOf });
  const period = days === null ? 'no events' : `${isoDateOf(days.first)} – ${isoDateOf(days.last)}`;
  const sections: Html[] = [
    section('overview', 'Overview', null, html`${overviewTiles(data, load)}${kindTable(data)}`),
    section('weekly', 'Alerts per week by kind', 'What reached the RM queues each ISO week (by detection date). Hover a bar segment for its count.', weeklyAlerts(data, days, calendar)),
    section('rm-load', 'Alert load per RM', 'How many alerts each RM had to read in an average week, and in their busiest week.', rmLoadChart(load)),
    section('tiers', 'Tier migration', 'Customers whose period-average balance made them eligible for a higher tier (above the axis), and customers falling toward or below their tier’s floor (below the axis), per month.', tierChart(data, days, calendar, data.tiers)),
    section('churn-scores', 'Churn-score distribution', 'The churn score (0–100) weighs leakage to competitors, a balance below its usual low, activity below the customer’s own baseline, a salary or pension that stopped, dormancy and an RFM slide.', scoreDistribution(data, calendar)),
    section('at-risk', 'Top customers at risk', null, topAtRisk(data, calendar)),
  ];
  if (data.backtest !== null) sections.push(section('backtest', 'Backtest against the labels', null, backtestSection(data.backtest)));
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${data.title}</title>
<style>${raw(REPORT_CSS)}</style>
</head>
<body>
<header><h1>${data.title}</h1><p class="muted">${period} · ${data.source}${data.rulesVersion === null ? '' : ` · rules ${data.rulesVersion}`} · times in ${data.timeZone}</p></header>
<main>${sections}</main>
<footer class="muted">Written by tidewatch. Customer and RM ids only: no names, no account numbers.</footer>
</body>
</html>
`;
  return page.text;
}
