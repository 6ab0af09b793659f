import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * deploy/prometheus/alerts.yml (loaded by the compose Prometheus and meant for the cluster's) must only name metrics
 * the service exports: a renamed metric would otherwise leave an alert that can never fire.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string): string => readFileSync(resolve(repoRoot, path), 'utf8');

interface Rule {
  alert?: string;
  record?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const alerts = parse(read('deploy/prometheus/alerts.yml')) as { groups?: Array<{ name?: string; rules?: Rule[] }> };
const rules = (alerts.groups ?? []).flatMap((group) => group.rules ?? []);

/** Metric names registered in src/observability/metrics.ts (string literals starting with tidewatch_). */
const exported = new Set([...read('src/observability/metrics.ts').matchAll(/'(tidewatch_[a-z0-9_]*[a-z0-9])'/g)].map((match) => match[1]!));
const histograms = new Set(
  [...read('src/observability/metrics.ts').matchAll(/histogram\(\s*'(tidewatch_[a-z0-9_]+)'/g)].map((match) => match[1]!),
);

/** A series name as Prometheus sees it, mapped back to the metric that produces it (histogram _bucket/_sum/_count). */
function metricOf(series: string): string | undefined {
  if (exported.has(series)) return series;
  const base = series.replace(/_(bucket|sum|count)$/, '');
  return histograms.has(base) ? base : undefined;
}

describe('deploy/prometheus/alerts.yml', () => {
  it('reads the metric registry of the service', () => {
    expect(exported).toContain('tidewatch_consumer_crashes_total');
    expect(histograms).toContain('tidewatch_record_latency_seconds');
  });

  it('has alerting rules, each with an expression, a severity and a summary', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
      expect(rule.expr?.trim(), rule.alert).toBeTruthy();
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      if (rule.for !== undefined) expect(rule.for, rule.alert).toMatch(/^(\d+[smhd])+$/);
    }
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(rules.map((rule) => [rule.alert ?? '?', rule.expr ?? ''] as const))('%s names only metrics the service exports', (_alert, expr) => {
    const named = [...expr.matchAll(/\btidewatch_[a-z0-9_]*[a-z0-9]\b/g)].map((match) => match[0]);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((series) => metricOf(series) === undefined && !series.startsWith('tidewatch_process_'))).toEqual([]);
  });

  it('uses the _bucket series for histogram quantiles', () => {
    for (const rule of rules.filter((candidate) => candidate.expr?.includes('histogram_quantile'))) {
      expect(rule.expr, rule.alert).toMatch(/tidewatch_[a-z0-9_]+_bucket\b/);
    }
  });

  it('covers consumer crashes, dead letters, falling behind and state write conflicts', () => {
    const watched = new Set(rules.flatMap((rule) => [...(rule.expr ?? '').matchAll(/\btidewatch_[a-z0-9_]*[a-z0-9]\b/g)].map((match) => metricOf(match[0]))));
    for (const metric of [
      'tidewatch_consumer_crashes_total',
      'tidewatch_records_consumed_total',
      'tidewatch_record_latency_seconds',
      'tidewatch_state_write_conflicts_total',
    ]) {
      expect(watched, metric).toContain(metric);
    }
  });

  it('filters dead letters by an outcome the service records', () => {
    const outcomes = [...read('src/service/pipeline.ts').matchAll(/recordsConsumed\.inc\(\{[^}]*outcome:\s*'([a-z_]+)'/g)].map((match) => match[1]!);
    const filtered = rules.flatMap((rule) => [...(rule.expr ?? '').matchAll(/tidewatch_records_consumed_total\{[^}]*outcome="([a-z_]+)"/g)].map((match) => match[1]!));
    expect(filtered.length).toBeGreaterThan(0);
    for (const outcome of filtered) expect(outcomes).toContain(outcome);
  });
});
