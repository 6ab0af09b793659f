import { alertKinds, priorities } from '../../domain/alert.ts';
import type { AlertKind } from '../../domain/alert.ts';
import { count, decimal, share } from '../format.ts';
import { html } from '../html.ts';
import type { Html } from '../html.ts';
import type { ReportData } from '../model.ts';
import { kindColors } from '../palette.ts';
import type { RmWeekLoad } from '../rm-load.ts';

function tile(value: string, label: string, note?: string): Html {
  return html`<div class="tile"><div class="value">${value}</div><div class="label">${label}</div>${note === undefined ? null : html`<div class="note">${note}</div>`}</div>`;
}

/** The numbers a head of retail reads first. */
export function overviewTiles(data: ReportData, load: RmWeekLoad): Html {
  const rm = data.log.rm;
  const pressing = rm.filter((alert) => alert.priority === 'URGENT' || alert.priority === 'HIGH').length;
  const churnCustomers = new Set(rm.filter((alert) => alert.kind === 'CHURN_RISK').map((alert) => alert.customerId)).size;
  const tiles: Html[] = [];
  if (data.summary !== null) tiles.push(tile(count(data.summary.customers), 'customers with transactions', `${count(data.summary.events)} events replayed`));
  tiles.push(tile(count(rm.length), 'alerts to RM queues', `${count(pressing)} urgent or high`));
  tiles.push(tile(decimal(load.median), 'alerts per RM-week (median)', `max ${count(load.max)}${load.busiest === null ? '' : ` (${load.busiest.rmId}, ${load.busiest.week})`}`));
  tiles.push(tile(count(churnCustomers), 'customers with a churn-risk alert'));
  const churnRow = data.backtest?.any.find((row) => row.outcome === 'churn');
  if (churnRow !== undefined && data.backtest !== null) {
    tiles.push(tile(share(churnRow.recall), 'labelled churners caught', `precision ${share(churnRow.precision)} (backtest)`));
  }
  return html`<div class="tiles">${tiles}</div>`;
}

/** Published records per kind: the RM feed by priority, then the risk and campaign feeds. */
export function kindTable(data: ReportData): Html {
  const rmCounts = new Map<AlertKind, Record<string, number>>();
  for (const alert of data.log.rm) {
    const byPriority = rmCounts.get(alert.kind) ?? {};
    byPriority[alert.priority] = (byPriority[alert.priority] ?? 0) + 1;
    rmCounts.set(alert.kind, byPriority);
  }
  const kinds = alertKinds.filter((kind) => rmCounts.has(kind) || (data.log.riskByKind[kind] ?? 0) > 0 || (data.log.campaignByKind[kind] ?? 0) > 0);
  if (kinds.length === 0) return html`<p class="empty">No alerts were published.</p>`;
  const rows = kinds.map((kind) => {
    const byPriority = rmCounts.get(kind) ?? {};
    const total = Object.values(byPriority).reduce((sum, value) => sum + value, 0);
    return html`<tr><th scope="row"><span class="swatch" style="background:${kindColors[kind]}"></span>${kind}</th>${priorities.map((priority) => html`<td>${count(byPriority[priority] ?? 0)}</td>`)}<td class="strong">${count(total)}</td><td>${count(data.log.riskByKind[kind] ?? 0)}</td><td>${count(data.log.campaignByKind[kind] ?? 0)}</td></tr>`;
  });
  return html`<table class="numbers"><thead><tr><th scope="col">kind</th>${priorities.map((priority) => html`<th scope="col">${priority}</th>`)}<th scope="col">RM queues</th><th scope="col">risk feed</th><th scope="col">campaign feed</th></tr></thead><tbody>${rows}</tbody></table>`;
}
