import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createDigestMetrics, createMetrics } from '../../src/observability/metrics.ts';

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

/** Metric names the service and the digest stage register (read from their registries in-process). */
const registered = [createMetrics().registry, createDigestMetrics().registry].flatMap((registry) => registry.getMetricsAsArray());
const exported = new Set(registered.map((metric) => metric.name));
const histograms = new Set(registered.filter((metric) => String(metric.type) === 'histogram').map((metric) => metric.name));
/** The scrape jobs of deploy/prometheus/prometheus.yml (and of the PodMonitors in k8s/monitoring/). */
const jobs = ['tidewatch', 'tidewatch-digest'];
const runbook = read('docs/runbook.md');

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
      // a rule without `for:` pages on one evaluation: a single bad scrape or a rebalance
      expect(rule.for, rule.alert).toMatch(/^(\d+[smhd])+$/);
    }
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(rules.map((rule) => [rule.alert ?? '?', rule.expr ?? ''] as const))('%s names only metrics the service exports', (_alert, expr) => {
    const named = [...expr.matchAll(/\btidewatch_[a-z0-9_]*[a-z0-9]\b/g)].map((match) => match[0]);
    const scrapeJobs = [...expr.matchAll(/\bup\{job="([^"]+)"\}/g)].map((match) => match[1]!);
    expect(named.length + scrapeJobs.length).toBeGreaterThan(0);
    expect(named.filter((series) => metricOf(series) === undefined)).toEqual([]);
    for (const job of scrapeJobs) expect(jobs).toContain(job);
  });

  it('names scrape jobs that deploy/prometheus/prometheus.yml scrapes', () => {
    const scraped = (parse(read('deploy/prometheus/prometheus.yml')) as { scrape_configs: Array<{ job_name: string }> }).scrape_configs.map((config) => config.job_name);
    expect(scraped.sort()).toEqual([...jobs].sort());
  });

  it.each(rules.map((rule) => [rule.alert ?? '?', rule.annotations?.['runbook_url'] ?? ''] as const))(
    '%s links its own section of docs/runbook.md, which says what it means, what to check and what to do',
    (alert, url) => {
      expect(url).toBe(`docs/runbook.md#${alert.toLowerCase()}`);
      const section = runbook.split(/^## /m).find((candidate) => candidate.startsWith(`${alert}\n`));
      expect(section, `## ${alert} in docs/runbook.md`).toBeDefined();
      for (const part of ['What it means', 'What to check', 'What to do']) expect(section, `${alert}: ${part}`).toContain(`**${part}.**`);
    },
  );

  it('fires when every instance is gone: an absent() rule on each scrape job', () => {
    for (const job of jobs) {
      expect(rules.some((rule) => rule.expr?.replace(/\s+/g, '') === `absent(up{job="${job}"}==1)`), job).toBe(true);
    }
  });

  it('uses the _bucket series for histogram quantiles', () => {
    for (const rule of rules.filter((candidate) => candidate.expr?.includes('histogram_quantile'))) {
      expect(rule.expr, rule.alert).toMatch(/tidewatch_[a-z0-9_]+_bucket\b/);
    }
  });

  it('covers consumer crashes, dead letters, falling behind, state write conflicts and consumer lag', () => {
    const watched = new Set(rules.flatMap((rule) => [...(rule.expr ?? '').matchAll(/\btidewatch_[a-z0-9_]*[a-z0-9]\b/g)].map((match) => metricOf(match[0]))));
    for (const metric of [
      'tidewatch_consumer_crashes_total',
      'tidewatch_records_consumed_total',
      'tidewatch_record_latency_seconds',
      'tidewatch_state_write_conflicts_total',
      'tidewatch_consumer_lag_records',
      'tidewatch_oldest_unprocessed_record_age_seconds',
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
