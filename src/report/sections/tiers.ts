import type { BusinessCalendar } from '../../core/calendar.ts';
import { tierMigration } from '../aggregate.ts';
import { count } from '../format.ts';
import { html } from '../html.ts';
import type { Html } from '../html.ts';
import type { ReportData } from '../model.ts';
import { downgradeShades, upgradeShades } from '../palette.ts';
import { legend } from '../svg/legend.ts';
import { stackedBars } from '../svg/stacked-bars.ts';
import type { BarSeries } from '../svg/stacked-bars.ts';

/** Tiers in the order given (the rules' order, lowest first), then any other name alphabetically. */
function ordered(names: Iterable<string>, order: readonly string[]): string[] {
  const rank = (name: string) => {
    const index = order.indexOf(name);
    return index === -1 ? order.length : index;
  };
  return [...names].sort((left, right) => rank(left) - rank(right) || left.localeCompare(right));
}

/** Upgrade eligibility above the axis, downgrade risk below it, per month. */
export function tierChart(data: ReportData, days: { first: number; last: number } | null, calendar: BusinessCalendar, tierOrder: readonly string[]): Html {
  if (days === null) return html`<p class="empty">No data.</p>`;
  const migration = tierMigration(data.log.rm, days, calendar);
  if (migration.upgrades.size === 0 && migration.downgrades.size === 0) return html`<p class="empty">No upgrade-eligible or downgrade-risk alerts.</p>`;
  const up: BarSeries[] = ordered(migration.upgrades.keys(), tierOrder).map((tier, index) => ({
    name: `eligible for ${tier}`,
    color: upgradeShades[Math.min(index, upgradeShades.length - 1)]!,
    values: migration.upgrades.get(tier)!,
  }));
  const down: BarSeries[] = ordered(migration.downgrades.keys(), tierOrder).map((tier, index) => ({
    name: `at risk of losing ${tier}`,
    color: downgradeShades[Math.min(index, downgradeShades.length - 1)]!,
    values: migration.downgrades.get(tier)!.map((value) => -value),
  }));
  const series = [...up, ...down];
  const chart = stackedBars({ title: 'Tier migration per month: upgrade eligibility (up) and downgrade risk (down)', categories: migration.months, series, yTitle: 'alerts per month', height: 320 });
  const total = (entry: BarSeries) => count(entry.values.reduce((sum, value) => sum + Math.abs(value), 0));
  return html`<figure>${chart}<figcaption>${legend(series.map((entry) => ({ name: entry.name, color: entry.color, note: total(entry) })))}</figcaption></figure>`;
}
