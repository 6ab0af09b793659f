import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envSchema, parseEnv } from '../../src/config/env.ts';
import { connectionsOf } from '../../src/config/security.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}
interface Patch {
  spec: {
    template: {
      spec: {
        containers: Array<{ name: string; env: EnvVar[]; volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }> }>;
        volumes: Array<{ name: string; secret?: { secretName: string; defaultMode?: number } }>;
      };
    };
  };
}

const component = parse(read('k8s/secured/kustomization.yaml')) as { kind: string; patches: Array<{ path: string; target: { kind: string; labelSelector: string } }> };
const patch = parse(read('k8s/secured/credentials-patch.yaml')) as Patch;
const secret = parse(read('k8s/secured/secret.example.yaml')) as { kind: string; metadata: { name: string }; stringData: Record<string, string> };
const pod = patch.spec.template.spec;
const container = pod.containers[0]!;
const mount = container.volumeMounts.find((volumeMount) => volumeMount.name === 'credentials')!;
const fileVariables = container.env.filter((variable) => variable.name.endsWith('_FILE'));

describe('k8s/secured (kustomize component)', () => {
  it('patches every tidewatch Deployment (service and digest) by label, in the container the base names', () => {
    expect(component.kind).toBe('Component');
    expect(component.patches).toEqual([{ path: 'credentials-patch.yaml', target: { kind: 'Deployment', labelSelector: 'app.kubernetes.io/name=tidewatch' } }]);
    for (const file of ['k8s/deployment.yaml', 'k8s/digest-deployment.yaml']) {
      const deployment = parse(read(file)) as { metadata: { labels: Record<string, string> }; spec: { template: { spec: { containers: Array<{ name: string }> } } } };
      expect(deployment.metadata.labels['app.kubernetes.io/name'], file).toBe('tidewatch');
      expect(deployment.spec.template.spec.containers.map((candidate) => candidate.name), file).toContain(container.name);
    }
  });

  it('sets only variables the service reads, and no secret as an environment variable', () => {
    for (const variable of container.env) {
      expect(variable.name in envSchema.shape, variable.name).toBe(true);
      expect(variable.valueFrom, variable.name).toBeUndefined();
      expect(variable.name, 'secrets go by *_FILE').not.toMatch(/PASSWORD$/);
    }
  });

  it('mounts the Secret read-only, and every *_FILE names a key of the example Secret (and every key is used)', () => {
    expect(mount).toMatchObject({ mountPath: '/etc/tidewatch/credentials', readOnly: true });
    expect(pod.volumes).toEqual([{ name: 'credentials', secret: { secretName: secret.metadata.name, defaultMode: 0o440 } }]);
    expect(secret.kind).toBe('Secret');
    const keys = fileVariables.map((variable) => {
      expect(variable.value?.startsWith(`${mount.mountPath}/`), variable.name).toBe(true);
      return variable.value!.slice(mount.mountPath.length + 1);
    });
    expect([...keys].sort()).toEqual(Object.keys(secret.stringData).sort());
  });

  it('gives a configuration the service accepts: SASL_SSL with SCRAM, registry basic auth and CA, Redis TLS with an ACL user', () => {
    const mounted = mkdtempSync(join(tmpdir(), 'tw-k8s-secured-'));
    for (const [key, value] of Object.entries(secret.stringData)) writeFileSync(join(mounted, key), value);
    const env = Object.fromEntries(container.env.map((variable) => [variable.name, variable.value!.replace(mount.mountPath, mounted)]));
    const parsed = parseEnv({ ...env, KAFKA_BROKERS: 'kafka-0.kafka:9093', SCHEMA_REGISTRY_URL: 'https://registry:8081', REDIS_URL: 'rediss://redis:6380' });
    const { kafka, registry, redis } = connectionsOf(parsed);
    expect(kafka).toMatchObject({ protocol: 'SASL_SSL', sasl: { mechanism: 'scram-sha-512', username: 'tidewatch', password: '<kafka password>' } });
    expect(kafka.tls?.ca).toContain('BEGIN CERTIFICATE');
    expect(registry).toMatchObject({ url: 'https://registry:8081', auth: { username: 'tidewatch', password: '<registry password>' } });
    expect(redis).toMatchObject({ url: 'rediss://redis:6380', username: 'tidewatch', password: '<redis password>' });
  });
});
