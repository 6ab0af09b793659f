import { readFileSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { renderPrometheusRule } from '../../deploy/prometheus-rule.ts';
import { envSchema } from '../../src/config/env.ts';

/** k8s/monitoring/ (PodMonitors, PrometheusRule, KEDA ScaledObject), the digest PDB, probes and grace periods. */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string): string => readFileSync(resolve(repoRoot, path), 'utf8');

interface Labels {
  [name: string]: string;
}
interface PodMonitor {
  kind: string;
  metadata: { name: string };
  spec: { selector: { matchLabels: Labels }; podMetricsEndpoints: Array<{ port: string; path: string; relabelings?: Array<{ targetLabel?: string; replacement?: string }> }> };
}
interface Deployment {
  metadata: { name: string };
  spec: {
    selector: { matchLabels: Labels };
    template: {
      spec: {
        terminationGracePeriodSeconds?: number;
        containers: Array<{ startupProbe?: { httpGet?: { path?: string; port?: string | number }; periodSeconds?: number; failureThreshold?: number }; livenessProbe?: { initialDelaySeconds?: number } }>;
      };
    };
  };
}

const configMap = parse(read('k8s/configmap.yaml')) as { data: Record<string, string> };
const service = parse(read('k8s/deployment.yaml')) as Deployment;
const digest = parse(read('k8s/digest-deployment.yaml')) as Deployment;
const podMonitors = parseAllDocuments(read('k8s/monitoring/podmonitor.yaml')).map((document) => document.toJS() as PodMonitor);
const scaledObject = parse(read('k8s/monitoring/scaledobject.yaml')) as {
  spec: { scaleTargetRef: { name: string }; minReplicaCount: number; maxReplicaCount: number; triggers: Array<{ type: string; metadata: Record<string, string> }> };
};
const jobsScraped = (parse(read('deploy/prometheus/prometheus.yml')) as { scrape_configs: Array<{ job_name: string }> }).scrape_configs.map((config) => config.job_name);

describe('k8s/monitoring/', () => {
  it('lists every manifest in its kustomization', () => {
    const kustomization = parse(read('k8s/monitoring/kustomization.yaml')) as { resources: string[] };
    const files = readdirSync(resolve(repoRoot, 'k8s/monitoring')).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('prometheus-rule.yaml carries deploy/prometheus/alerts.yml unchanged (regenerate: npx tsx deploy/prometheus-rule.ts)', () => {
    const alertsText = read('deploy/prometheus/alerts.yml');
    expect(read('k8s/monitoring/prometheus-rule.yaml')).toBe(renderPrometheusRule(alertsText));
    const rule = parse(read('k8s/monitoring/prometheus-rule.yaml')) as { kind: string; spec: { groups: unknown } };
    expect(rule.kind).toBe('PrometheusRule');
    expect(rule.spec.groups).toEqual((parse(alertsText) as { groups: unknown }).groups);
  });

  it('has a PodMonitor per Deployment, selecting its pods, scraping /metrics on http as the job the alerts name', () => {
    const byJob = new Map(podMonitors.map((monitor) => [monitor.spec.podMetricsEndpoints[0]?.relabelings?.find((relabel) => relabel.targetLabel === 'job')?.replacement, monitor]));
    expect([...byJob.keys()].sort()).toEqual([...jobsScraped].sort());
    for (const [job, deployment] of [
      ['tidewatch', service],
      ['tidewatch-digest', digest],
    ] as const) {
      const monitor = byJob.get(job);
      expect(monitor?.kind).toBe('PodMonitor');
      expect(monitor?.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
      expect(monitor?.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
    }
  });

  it('scales the service on its transactions lag, never beyond the partition count nor below two', () => {
    expect(scaledObject.spec.scaleTargetRef.name).toBe(service.metadata.name);
    expect(scaledObject.spec.maxReplicaCount).toBe(Number(configMap.data['TIDEWATCH_TOPIC_PARTITIONS']));
    expect(scaledObject.spec.minReplicaCount).toBeGreaterThanOrEqual(2);
    const [trigger] = scaledObject.spec.triggers;
    expect(trigger?.type).toBe('prometheus');
    expect(trigger?.metadata['query']).toContain('tidewatch_consumer_lag_records{');
    expect(trigger?.metadata['query']).toContain(`topic="${configMap.data['TIDEWATCH_TOPIC_TRANSACTIONS']}"`);
    expect(trigger?.metadata['query']).toContain('job="tidewatch"');
    expect(Number(trigger?.metadata['threshold'])).toBeGreaterThan(0);
  });
});

describe('shutdown and start-up of both Deployments', () => {
  const deadlineMs = Number(configMap.data['TIDEWATCH_STOP_DEADLINE_MS']);

  it('the ConfigMap carries the service’s own stop deadline', () => {
    expect(deadlineMs).toBe(envSchema.shape.TIDEWATCH_STOP_DEADLINE_MS.parse(undefined));
  });

  it.each([
    ['k8s/deployment.yaml', service],
    ['k8s/digest-deployment.yaml', digest],
  ] as const)('%s gives SIGTERM longer than the stop deadline, with time to spare for the exit', (_file, deployment) => {
    const grace = deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30;
    expect(grace * 1000 - deadlineMs).toBeGreaterThanOrEqual(3_000);
  });

  it.each([
    ['k8s/deployment.yaml', service],
    ['k8s/digest-deployment.yaml', digest],
  ] as const)('%s has a startup probe on /healthz that gates liveness instead of a fixed delay', (_file, deployment) => {
    const container = deployment.spec.template.spec.containers[0]!;
    expect(container.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect((container.startupProbe?.periodSeconds ?? 10) * (container.startupProbe?.failureThreshold ?? 3)).toBeGreaterThanOrEqual(30);
    expect(container.livenessProbe?.initialDelaySeconds).toBeUndefined();
  });

  it('the digest has a PodDisruptionBudget of its own, selecting its pods only', () => {
    const pdb = parse(read('k8s/digest-pdb.yaml')) as { kind: string; spec: { maxUnavailable?: number; selector: { matchLabels: Labels } } };
    expect(pdb.kind).toBe('PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(digest.spec.selector.matchLabels);
  });
});
