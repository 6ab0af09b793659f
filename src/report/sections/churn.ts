import { isoDateOf } from '../../core/calendar.ts';
import type { BusinessCalendar } from '../../core/calendar.ts';
import type { ReportAlert } from '../alerts.ts';
import { scoreBins } from '../aggregate.ts';
import { count } from '../format.ts';
import { html } from '../html.ts';
import type { Html } from '../html.ts';
import type { ReportData } from '../model.ts';
import { kindColors, neutral } from '../palette.ts';
import { stackedBars } from '../svg/stacked-bars.ts';

const TOP = 20;

function histogram(title: string, scores: readonly number[], color: string, yTitle: string): Html {
  const bins = scoreBins(scores);
  return stackedBars({ title, categories: bins.labels, series: [{ name: yTitle, color, values: bins.counts }], width: 470, height: 250, totals: true, yTitle });
}

/** Final per-customer scores (when known) next to the scores the churn-risk alerts carried. */
export function scoreDistribution(data: ReportData, calendar: BusinessCalendar): Html {
  const alertScores = data.log.rm.flatMap((alert) => (alert.kind === 'CHURN_RISK' && alert.churnScore !== null ? [alert.churnScore] : []));
  const charts: Html[] = [];
  if (data.scores !== null && data.scores.customers.length > 0) {
    const scores = data.scores.customers.map((customer) => customer.score);
    const atZero = scores.filter((score) => score === 0).length;
    charts.push(
      html`<figure class="half">${histogram('Churn score of every customer at the end of the replay', scores, neutral, 'customers')}<figcaption>Every customer's score on ${isoDateOf(calendar.dayOf(data.scores.asOf))}: ${count(scores.length)} customers, ${count(atZero)} at 0.</figcaption></figure>`,
    );
  }
  charts.push(
    alertScores.length === 0
      ? html`<p class="empty half">No churn-risk alerts.</p>`
      : html`<figure class="half">${histogram('Score carried by each churn-risk alert', alertScores, kindColors.CHURN_RISK, 'alerts')}<figcaption>${count(alertScores.length)} churn-risk alerts (an alert opens from the rules' alert score and is repeated only when the score rises further).</figcaption></figure>`,
  );
  return html`<div class="pair">${charts}</div>`;
}

interface AtRisk {
  customerId: string;
  rmId: string | null;
  tier: string | null;
  score: number;
  reasons: string[];
}

/** The strongest churn-risk alert per customer, when no final scores are known. */
function fromAlerts(alerts: readonly ReportAlert[]): AtRisk[] {
  const best = new Map<string, ReportAlert>();
  for (const alert of alerts) {
    if (alert.kind !== 'CHURN_RISK' || alert.churnScore === null) continue;
    const held = best.get(alert.customerId);
    if (held === undefined || alert.churnScore > held.churnScore! || (alert.churnScore === held.churnScore && alert.detectedAt > held.detectedAt)) best.set(alert.customerId, alert);
  }
  return [...best.values()].map((alert) => ({
    customerId: alert.customerId,
    rmId: alert.rmId,
    tier: alert.tier,
    score: alert.churnScore!,
    reasons: alert.reason.replace(/^Churn risk(?: rising)? \d+\/100: /, '').split('; '),
  }));
}

/** The customers most at risk, with their reasons and the last thing their RM was told. */
export function topAtRisk(data: ReportData, calendar: BusinessCalendar): Html {
  const fromScores = data.scores !== null;
  const candidates = fromScores ? data.scores!.customers.filter((customer) => customer.score > 0) : fromAlerts(data.log.rm);
  const top = [...candidates].sort((left, right) => right.score - left.score || left.customerId.localeCompare(right.customerId)).slice(0, TOP);
  if (top.length === 0) return html`<p class="empty">No customer has a churn score above 0.</p>`;
  const lastAlert = new Map<string, ReportAlert>();
  for (const alert of data.log.rm) {
    const held = lastAlert.get(alert.customerId);
    if (held === undefined || alert.detectedAt >= held.detectedAt) lastAlert.set(alert.customerId, alert);
  }
  const rows = top.map((customer, index) => {
    const last = lastAlert.get(customer.customerId);
    return html`<tr><td>${index + 1}</td><td class="id">${customer.customerId}</td><td>${customer.rmId ?? '–'}</td><td>${customer.tier ?? '–'}</td><td class="score"><span class="meter"><span style="width:${customer.score}%"></span></span>${customer.score}</td><td><ul class="reasons">${customer.reasons.map((reason) => html`<li>${reason}</li>`)}</ul></td><td>${last === undefined ? '–' : html`${last.kind}<br><span class="muted">${isoDateOf(calendar.dayOf(last.detectedAt))}</span>`}</td></tr>`;
  });
  const source = fromScores ? 'churn score at the end of the replay' : 'highest score a churn-risk alert carried';
  return html`<table class="risk"><caption>Top ${count(top.length)} by ${source}.</caption><thead><tr><th scope="col">#</th><th scope="col">customer</th><th scope="col">RM</th><th scope="col">tier</th><th scope="col">score</th><th scope="col">reasons</th><th scope="col">last RM alert</th></tr></thead><tbody>${rows}</tbody></table>`;
}
