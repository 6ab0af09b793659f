import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createDigestMetrics, createMetrics } from '../../src/observability/metrics.ts';

/**
 * deploy/grafana/dashboards/tidewatch.json must only query metrics the service or the digest stage register (read
 * from their registries in-process, default Node metrics included), so that a renamed metric fails here instead
 * of leaving an empty panel; and it must keep the panels operations rely on.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Target {
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  type: string;
  title: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  gridPos?: { x: number; y: number; w: number; h: number };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: string }> };
}

const dashboard = JSON.parse(readFileSync(resolve(repoRoot, 'deploy/grafana/dashboards/tidewatch.json'), 'utf8')) as Dashboard;
const queried = dashboard.panels.filter((panel) => panel.type !== 'row');

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan']);

/** The metric names a PromQL expression selects: identifiers that are not functions, keywords, labels or ranges. */
function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/(?<![\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((match) => match[1]!).filter((word) => !PROMQL_WORDS.has(word.toLowerCase()));
}

const registered = [createMetrics().registry, createDigestMetrics().registry].flatMap((registry) => registry.getMetricsAsArray());
const names = new Set(registered.map((metric) => metric.name));
const histograms = new Set(registered.filter((metric) => String(metric.type) === 'histogram').map((metric) => metric.name));
/** Series a scrape yields: the registered names, histogram _bucket/_sum/_count, and Prometheus' own `up`. */
function isExported(series: string): boolean {
  if (series === 'up' || names.has(series)) return true;
  const base = series.replace(/_(bucket|sum|count)$/, '');
  return base !== series && histograms.has(base);
}

describe('metricNamesOf', () => {
  it('finds the selected metrics, not functions, labels, keywords or ranges', () => {
    expect(
      metricNamesOf('histogram_quantile(0.95, sum by (le, topic) (rate(tidewatch_batch_duration_seconds_bucket{job="x"}[$__rate_interval]))) / on() up'),
    ).toEqual(['tidewatch_batch_duration_seconds_bucket', 'up']);
    expect(metricNamesOf('sum(a_total) > 1000 and sum(b offset 15m)')).toEqual(['a_total', 'b']);
  });
});

describe('deploy/grafana/dashboards/tidewatch.json', () => {
  it('has a fixed uid and a Prometheus data source variable', () => {
    expect(dashboard.uid).toBe('tidewatch');
    expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
  });

  it.each(queried.map((panel) => [panel.title, panel] as const))('panel "%s" queries only metrics the service registers', (_title, panel) => {
    const exprs = (panel.targets ?? []).map((target) => target.expr ?? '');
    expect(exprs.length).toBeGreaterThan(0);
    expect(panel.datasource?.uid).toBe('${datasource}');
    for (const expr of exprs) {
      const metrics = metricNamesOf(expr);
      expect(metrics.length, expr).toBeGreaterThan(0);
      expect(metrics.filter((metric) => !isExported(metric)), expr).toEqual([]);
    }
    expect(panel.description, panel.title).toBeTruthy();
  });

  it('shows lag per partition, throughput, alerts per kind and feed, dead letters, latency, event-loop delay and Redis', () => {
    const byMetric = (metric: string) => queried.filter((panel) => (panel.targets ?? []).some((target) => metricNamesOf(target.expr ?? '').includes(metric)));
    const expectPanel = (metric: string, grouping?: RegExp) => {
      const panels = byMetric(metric);
      expect(panels.length, metric).toBeGreaterThan(0);
      if (grouping !== undefined) expect(panels.some((panel) => panel.targets?.some((target) => grouping.test(target.expr ?? ''))), metric).toBe(true);
    };
    expectPanel('tidewatch_consumer_lag_records', /by \(topic, partition\)/);
    expectPanel('tidewatch_oldest_unprocessed_record_age_seconds');
    expectPanel('tidewatch_records_consumed_total');
    expectPanel('tidewatch_alerts_total', /by \(kind, feed\)/);
    expectPanel('tidewatch_dead_letters_total', /by \(reason\)/);
    expectPanel('tidewatch_record_latency_seconds_bucket');
    expectPanel('nodejs_eventloop_lag_p99_seconds');
    expectPanel('tidewatch_redis_round_trips_total');
  });

  it('lays panels out without overlapping', () => {
    const cells = new Set<string>();
    for (const panel of dashboard.panels) {
      const { x, y, w, h } = panel.gridPos ?? { x: 0, y: 0, w: 0, h: 0 };
      expect(x + w, panel.title).toBeLessThanOrEqual(24);
      for (let row = y; row < y + h; row += 1) {
        for (let column = x; column < x + w; column += 1) {
          expect(cells.has(`${row}:${column}`), `${panel.title} overlaps at ${row}:${column}`).toBe(false);
          cells.add(`${row}:${column}`);
        }
      }
    }
  });
});
