/**
 * Renders k8s/monitoring/prometheus-rule.yaml (a Prometheus Operator PrometheusRule) from deploy/prometheus/alerts.yml,
 * so that the cluster's rules are the ones the compose Prometheus loads and promtool tests.
 *
 *   npx tsx deploy/prometheus-rule.ts          # rewrite the manifest after editing deploy/prometheus/alerts.yml
 *
 * test/unit/k8s-monitoring.test.ts fails while the manifest is out of step with alerts.yml.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';

const repoFile = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));
export const prometheusRulePaths = {
  alerts: repoFile('deploy/prometheus/alerts.yml'),
  manifest: repoFile('k8s/monitoring/prometheus-rule.yaml'),
};

/** The PrometheusRule manifest, byte for byte, carrying the groups of the given alerts.yml text. */
export function renderPrometheusRule(alertsText: string): string {
  const { groups } = parse(alertsText) as { groups: unknown[] };
  const header = [
    '# GENERATED from deploy/prometheus/alerts.yml by `npx tsx deploy/prometheus-rule.ts`: do not edit by hand.',
    "# The Prometheus Operator loads it where the Prometheus's ruleSelector matches these labels (adjust in an overlay).",
  ].join('\n');
  const manifest = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'tidewatch',
      labels: { 'app.kubernetes.io/name': 'tidewatch', 'app.kubernetes.io/component': 'monitoring' },
    },
    spec: { groups },
  };
  return `${header}\n${stringify(manifest, { blockQuote: 'literal', lineWidth: 0 })}`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(prometheusRulePaths.manifest, renderPrometheusRule(readFileSync(prometheusRulePaths.alerts, 'utf8')));
  process.stdout.write(`wrote ${prometheusRulePaths.manifest}\n`);
}
