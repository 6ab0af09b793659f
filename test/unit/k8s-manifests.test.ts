import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { envSchema, requiredEnvNames } from '../../src/config/env.ts';
import { RULES_CHECKSUM_ANNOTATION, renderRulesConfigMap, rulesChecksum } from '../../deploy/rules-configmap.ts';

/**
 * Guards the Kubernetes manifests against drifting away from the code: the variables the Deployment sets are ones
 * the service reads, the required ones come from the Secret, probes and scrape annotations hit routes the HTTP
 * server serves, the rules ConfigMap is rules/default.yaml, and the pod runs confined and is stopped gracefully.
 * There is no cluster here: everything is read from the YAML.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const k8sDir = resolve(repoRoot, 'k8s');
const read = (path: string): string => readFileSync(resolve(repoRoot, path), 'utf8');

type Labels = Record<string, string>;
interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; labels?: Labels; annotations?: Record<string, string> };
  [key: string]: unknown;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name?: string; key?: string; optional?: boolean }; configMapKeyRef?: unknown; fieldRef?: unknown };
}
interface Probe {
  httpGet?: { path?: string; port?: string | number };
}
interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name?: string }; secretRef?: { name?: string } }>;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean; subPath?: string }>;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { cpu?: string; memory?: string } };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  enableServiceLinks?: boolean;
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; runAsGroup?: number };
  topologySpreadConstraints?: Array<{ topologyKey: string; maxSkew: number; labelSelector?: { matchLabels?: Labels } }>;
  containers: Container[];
  volumes?: Array<{ name: string; configMap?: { name?: string; optional?: boolean }; emptyDir?: unknown; secret?: unknown }>;
}
interface Deployment extends Manifest {
  spec: {
    replicas?: number;
    strategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
    selector: { matchLabels?: Labels };
    template: { metadata?: { labels?: Labels; annotations?: Record<string, string> }; spec: PodSpec };
  };
}
interface Service extends Manifest {
  spec: { type?: string; selector?: Labels; ports?: Array<{ name?: string; port: number; targetPort?: number | string }> };
}
interface PodDisruptionBudget extends Manifest {
  spec: { maxUnavailable?: number | string; minAvailable?: number | string; selector?: { matchLabels?: Labels } };
}
interface ConfigMap extends Manifest {
  data?: Record<string, string>;
}

/** One manifest per file, as kustomize and `kubectl apply -f` take them. */
function manifest<T extends Manifest>(file: string): T {
  const documents = parseAllDocuments(read(`k8s/${file}`));
  if (!Array.isArray(documents) || documents.length !== 1) throw new Error(`k8s/${file}: expected exactly one YAML document`);
  const [document] = documents;
  if (document!.errors.length > 0) throw new Error(`k8s/${file}: ${document!.errors.map((error) => error.message).join('; ')}`);
  return document!.toJS() as T;
}

const kustomization = parse(read('k8s/kustomization.yaml')) as { resources?: string[] };
const deployment = manifest<Deployment>('deployment.yaml');
const service = manifest<Service>('service.yaml');
const pdb = manifest<PodDisruptionBudget>('pdb.yaml');
const configMap = manifest<ConfigMap>('configmap.yaml');
const rulesConfigMap = manifest<ConfigMap>('rules-configmap.yaml');

const podTemplate = deployment.spec.template;
const pod = podTemplate.spec;
const podLabels = podTemplate.metadata?.labels ?? {};
const container = (() => {
  const found = pod.containers.find((candidate) => candidate.name === 'tidewatch');
  if (!found) throw new Error('k8s/deployment.yaml has no container named tidewatch');
  return found;
})();
const env = container.env ?? [];
const SECRET_NAME = 'tidewatch-endpoints';

/** `a ⊆ b` for label maps: every selector label is on the pod. */
function selects(selector: Labels | undefined, labels: Labels): boolean {
  return selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** A probe's or Service's port, named or numbered, as the container port number it reaches. */
function containerPort(port: string | number | undefined): number | undefined {
  if (typeof port === 'number') return container.ports?.find((candidate) => candidate.containerPort === port)?.containerPort;
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

/** The exact-path GET routes of the HTTP server, read from its source (they are keys of a routes object there). */
const serverRoutes: string[] = [...read('src/adapters/http/server.ts').matchAll(/'(\/[A-Za-z0-9_-]+)':\s*async/g)].map((match) => match[1]!);

/** The environment the container starts with: the ConfigMap, then the container's own `env` on top (as kubelet does). */
function effectiveEnvironment(): Record<string, string> {
  const placeholders: Record<string, string> = { KAFKA_BROKERS: 'kafka-0.kafka:9092', SCHEMA_REGISTRY_URL: 'http://registry:8081', REDIS_URL: 'redis://redis:6379' };
  const fromConfigMap = (container.envFrom ?? []).some((source) => source.configMapRef?.name === configMap.metadata?.name) ? (configMap.data ?? {}) : {};
  const own = Object.fromEntries(
    env.map((variable) => [variable.name, variable.value ?? (variable.valueFrom?.secretKeyRef ? (placeholders[variable.name] ?? 'from-secret') : '')]),
  );
  return { ...fromConfigMap, ...own };
}

/** Kubernetes memory quantity in bytes (the binary and decimal suffixes that make sense for memory). */
function bytes(quantity: string | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(quantity ?? '');
  if (!match) throw new Error(`not a memory quantity: ${quantity}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, k: 1e3, M: 1e6, G: 1e9 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * unit;
}

describe('k8s/kustomization.yaml', () => {
  it('lists every manifest in k8s/, and only files that exist', () => {
    const manifests = readdirSync(k8sDir).filter((file) => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml');
    expect([...(kustomization.resources ?? [])].sort()).toEqual(manifests.sort());
    for (const resource of kustomization.resources ?? []) expect(existsSync(resolve(k8sDir, resource)), resource).toBe(true);
  });

  it('holds manifests with unique kind/name pairs', () => {
    const ids = (kustomization.resources ?? []).map((file) => {
      const parsed = manifest(file);
      expect(parsed.apiVersion, file).toBeTruthy();
      expect(parsed.metadata?.name, file).toBeTruthy();
      return `${parsed.kind}/${parsed.metadata?.name}`;
    });
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('k8s/deployment.yaml', () => {
  it('selects its own pods, and the Service and the PodDisruptionBudget select them too', () => {
    expect(selects(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
    expect(service.spec.selector, 'Service selector').toBeDefined();
    expect(selects(service.spec.selector, podLabels)).toBe(true);
    expect(pdb.spec.selector?.matchLabels).toEqual(deployment.spec.selector.matchLabels);
  });

  describe('environment', () => {
    it('sets only variables the service reads (src/config/env.ts)', () => {
      const unknown = env.map((variable) => variable.name).filter((name) => !(name in envSchema.shape));
      expect(unknown).toEqual([]);
      expect(new Set(env.map((variable) => variable.name)).size, 'a variable is set twice').toBe(env.length);
    });

    it.each([...requiredEnvNames])(`takes required variable %s from the Secret ${SECRET_NAME}`, (name) => {
      const variable = env.find((candidate) => candidate.name === name);
      expect(variable, `${name} is not set`).toBeDefined();
      expect(variable?.value, `${name} must not carry a literal value`).toBeUndefined();
      expect(variable?.valueFrom?.secretKeyRef).toMatchObject({ name: SECRET_NAME, key: name });
      expect(variable?.valueFrom?.secretKeyRef?.optional ?? false).toBe(false);
    });

    it('takes nothing else from a Secret, and does not import a Secret wholesale', () => {
      const fromSecrets = env.filter((variable) => variable.valueFrom?.secretKeyRef !== undefined).map((variable) => variable.name);
      expect(fromSecrets.sort()).toEqual([...requiredEnvNames].sort());
      expect((container.envFrom ?? []).filter((source) => source.secretRef !== undefined)).toEqual([]);
    });

    it('loads the defaults from the ConfigMap in k8s/configmap.yaml', () => {
      const refs = (container.envFrom ?? []).map((source) => source.configMapRef?.name);
      expect(configMap.metadata?.name).toBe('tidewatch-config');
      expect(refs).toContain(configMap.metadata?.name);
    });

    it('adds up, with the ConfigMap, to an environment the service accepts', () => {
      const result = envSchema.safeParse(effectiveEnvironment());
      expect(result.error?.issues ?? []).toEqual([]);
    });

    it('turns service links off: a Service named tidewatch would inject TIDEWATCH_* variables', () => {
      expect(pod.enableServiceLinks).toBe(false);
    });
  });

  describe('probes and metrics', () => {
    const httpPort = Number(effectiveEnvironment()['TIDEWATCH_HTTP_PORT']);

    it('finds the routes of src/adapters/http/server.ts', () => {
      expect(serverRoutes).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics']));
    });

    it('exposes the port the service listens on (TIDEWATCH_HTTP_PORT)', () => {
      expect(containerPort('http')).toBe(httpPort);
    });

    it.each([
      ['livenessProbe', '/healthz'],
      ['readinessProbe', '/readyz'],
    ] as const)('%s asks %s on the service port', (probe, path) => {
      const httpGet = container[probe]?.httpGet;
      expect(httpGet?.path).toBe(path);
      expect(serverRoutes).toContain(httpGet?.path);
      expect(containerPort(httpGet?.port)).toBe(httpPort);
    });

    it('a startup probe, if any, also asks a route the server serves', () => {
      const startup = container.startupProbe?.httpGet;
      if (startup === undefined) return;
      expect(serverRoutes).toContain(startup.path);
      expect(containerPort(startup.port)).toBe(httpPort);
    });

    it('annotates the pods for Prometheus with the metrics route and port', () => {
      const annotations = podTemplate.metadata?.annotations ?? {};
      expect(annotations['prometheus.io/scrape']).toBe('true');
      expect(Number(annotations['prometheus.io/port'])).toBe(httpPort);
      expect(serverRoutes).toContain(annotations['prometheus.io/path']);
    });

    it('the Service forwards its http port to the container port', () => {
      expect(service.spec.type ?? 'ClusterIP').toBe('ClusterIP');
      const http = service.spec.ports?.find((port) => port.name === 'http');
      expect(http?.port).toBe(httpPort);
      expect(containerPort(http?.targetPort ?? http?.port)).toBe(httpPort);
    });
  });

  describe('rules', () => {
    const rulesText = read('rules/default.yaml');
    const rulesFile = env.find((variable) => variable.name === 'TIDEWATCH_RULES_FILE')?.value ?? '';
    const mount = (container.volumeMounts ?? []).find((candidate) => rulesFile.startsWith(`${candidate.mountPath.replace(/\/$/, '')}/`));
    const volume = pod.volumes?.find((candidate) => candidate.name === mount?.name);

    it('points TIDEWATCH_RULES_FILE at a file of the tidewatch-rules ConfigMap mounted read-only', () => {
      expect(rulesFile, 'TIDEWATCH_RULES_FILE must be an absolute path into the mounted ConfigMap').toMatch(/^\//);
      expect(mount, `no volume mount holds ${rulesFile}`).toBeDefined();
      expect(mount?.readOnly).toBe(true);
      expect(mount?.subPath, 'a subPath mount would hide an absent optional ConfigMap behind a directory').toBeUndefined();
      expect(volume?.configMap?.name).toBe(rulesConfigMap.metadata?.name);
      expect(rulesConfigMap.metadata?.name).toBe('tidewatch-rules');
      expect(volume?.configMap?.optional).toBe(true);
      const key = rulesFile.slice(mount!.mountPath.replace(/\/$/, '').length + 1);
      expect(Object.keys(rulesConfigMap.data ?? {})).toContain(key);
    });

    it('k8s/rules-configmap.yaml carries rules/default.yaml unchanged (regenerate: npx tsx deploy/rules-configmap.ts)', () => {
      expect(Object.values(rulesConfigMap.data ?? {})).toEqual([rulesText]);
      expect(read('k8s/rules-configmap.yaml')).toBe(renderRulesConfigMap(rulesText));
    });

    it('stamps the rules checksum on the pod template, so a rules change rolls the pods (npx tsx deploy/rules-configmap.ts)', () => {
      expect(podTemplate.metadata?.annotations?.[RULES_CHECKSUM_ANNOTATION]).toBe(rulesChecksum(rulesText));
    });
  });

  describe('confinement', () => {
    it('runs as a non-root user, numerically, so that runAsNonRoot can be enforced', () => {
      const runAsUser = container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
      expect(container.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot).toBe(true);
      expect(typeof runAsUser).toBe('number');
      expect(runAsUser).toBeGreaterThan(0);
    });

    it('matches the user of the image (Dockerfile USER) when that one is numeric', () => {
      const user = read('Dockerfile')
        .split(/\r?\n/)
        .filter((line) => /^USER\s/i.test(line.trim()))
        .at(-1)
        ?.trim()
        .replace(/^USER\s+/i, '')
        .split(':')[0];
      if (user === undefined || !/^\d+$/.test(user)) return;
      expect(container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser).toBe(Number(user));
    });

    it('has a read-only root filesystem, no privilege escalation and no capabilities', () => {
      const context = container.securityContext ?? {};
      expect(context.readOnlyRootFilesystem).toBe(true);
      expect(context.allowPrivilegeEscalation).toBe(false);
      expect(context.privileged ?? false).toBe(false);
      expect(context.capabilities?.drop).toContain('ALL');
      expect(context.capabilities?.add ?? []).toEqual([]);
    });

    it('mounts only volumes it declares, and no Secret as files', () => {
      const declared = new Set((pod.volumes ?? []).map((volume) => volume.name));
      for (const mount of container.volumeMounts ?? []) expect(declared, mount.name).toContain(mount.name);
      expect((pod.volumes ?? []).filter((volume) => volume.secret !== undefined)).toEqual([]);
    });

    it('keeps the service account token out of the pod (the service never calls the API server)', () => {
      expect(pod.automountServiceAccountToken).toBe(false);
    });
  });

  describe('lifecycle and scale', () => {
    const partitions = Number(effectiveEnvironment()['TIDEWATCH_TOPIC_PARTITIONS']);

    it('gives SIGTERM at least 30 s to finish the batch, publish and commit', () => {
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
    });

    it('runs several replicas, no more than the input partitions (one consumer group)', () => {
      expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
      expect(deployment.spec.replicas).toBeLessThanOrEqual(partitions);
    });

    it('rolls one pod at a time without a surge pod', () => {
      expect(deployment.spec.strategy?.type).toBe('RollingUpdate');
      expect(deployment.spec.strategy?.rollingUpdate).toEqual({ maxUnavailable: 1, maxSurge: 0 });
    });

    it('lets voluntary disruptions take one pod at a time', () => {
      expect(pdb.spec.maxUnavailable).toBe(1);
      expect(pdb.spec.minAvailable).toBeUndefined();
    });

    it('spreads the pods across nodes', () => {
      const byNode = pod.topologySpreadConstraints?.find((constraint) => constraint.topologyKey === 'kubernetes.io/hostname');
      expect(byNode, 'no spread over kubernetes.io/hostname').toBeDefined();
      expect(byNode?.maxSkew).toBe(1);
      expect(selects(byNode?.labelSelector?.matchLabels, podLabels)).toBe(true);
    });

    it('requests and limits memory, with the V8 heap capped below the limit', () => {
      const { requests, limits } = container.resources ?? {};
      expect(requests?.cpu).toBeDefined();
      expect(bytes(requests?.memory)).toBeLessThanOrEqual(bytes(limits?.memory));
      expect(bytes(limits?.memory)).toBeGreaterThanOrEqual(256 * 2 ** 20);
      const heap = [...(container.command ?? []), ...(container.args ?? [])]
        .map((arg) => /^--max-old-space-size=(\d+)$/.exec(arg)?.[1])
        .find((value) => value !== undefined);
      if (heap !== undefined) expect(Number(heap) * 2 ** 20).toBeLessThan(0.85 * bytes(limits?.memory));
    });

    it('starts the same program as the image (Dockerfile CMD), Node flags aside', () => {
      const instructions = read('Dockerfile')
        .replace(/\\\r?\n/g, ' ')
        .split(/\r?\n/)
        .map((line) => line.trim());
      expect(instructions.some((line) => /^ENTRYPOINT\s/i.test(line)), 'the image has an ENTRYPOINT: compare with it too').toBe(false);
      const cmd = JSON.parse(instructions.findLast((line) => /^CMD\s/i.test(line))!.replace(/^CMD\s+/i, '')) as string[];
      const argv = container.command !== undefined ? [...container.command, ...(container.args ?? [])] : (container.args ?? cmd);
      const [program, ...rest] = argv;
      expect([program, ...rest.filter((arg) => !arg.startsWith('--'))]).toEqual(cmd);
    });

    it('pins its image to a version', () => {
      const tag = (container.image ?? '').split('/').at(-1)?.split(':')[1];
      expect(tag, `image "${container.image}" has no tag`).toBeDefined();
      expect(tag).not.toBe('latest');
    });
  });
});

describe('k8s/digest-deployment.yaml', () => {
  const digest = manifest<Deployment>('digest-deployment.yaml');
  const digestTemplate = digest.spec.template;
  const digestPod = digestTemplate.spec;
  const digestLabels = digestTemplate.metadata?.labels ?? {};
  const digestContainer = digestPod.containers.find((candidate) => candidate.name === 'tidewatch');
  const digestEnv = digestContainer?.env ?? [];
  const portOf = (port: string | number | undefined) =>
    digestContainer?.ports?.find((candidate) => candidate.name === port || candidate.containerPort === port)?.containerPort;
  const httpPort = Number(configMap.data?.['TIDEWATCH_HTTP_PORT']);

  it('is a Deployment of its own pods, which the service’s Service and PodDisruptionBudget do not select', () => {
    expect(digest.kind).toBe('Deployment');
    expect(digest.metadata?.name).not.toBe(deployment.metadata?.name);
    expect(selects(digest.spec.selector.matchLabels, digestLabels)).toBe(true);
    expect(selects(service.spec.selector, digestLabels)).toBe(false);
    expect(selects(pdb.spec.selector?.matchLabels, digestLabels)).toBe(false);
    expect(selects(digest.spec.selector.matchLabels, podLabels), 'the digest Deployment would adopt the service pods').toBe(false);
  });

  it('runs `tidewatch digest` from the service’s image, a command the CLI has', () => {
    expect(digestContainer?.image).toBe(container.image);
    const argv = [...(digestContainer?.command ?? []), ...(digestContainer?.args ?? [])].filter((arg) => !arg.startsWith('--'));
    expect(argv).toEqual(['node', 'bin/tidewatch.js', 'digest']);
    expect(read('src/cli/digest-command.ts')).toContain(".command('digest')");
  });

  it('takes the same configuration: the ConfigMap, the required variables from the Secret, the rules file', () => {
    expect((digestContainer?.envFrom ?? []).map((source) => source.configMapRef?.name)).toContain(configMap.metadata?.name);
    expect(digestEnv.filter((variable) => variable.valueFrom?.secretKeyRef !== undefined).map((variable) => variable.name).sort()).toEqual([...requiredEnvNames].sort());
    for (const variable of digestEnv) {
      expect(variable.name in envSchema.shape, variable.name).toBe(true);
      if (variable.valueFrom?.secretKeyRef !== undefined) expect(variable.valueFrom.secretKeyRef).toMatchObject({ name: SECRET_NAME, key: variable.name });
    }
    const fromSecret: Record<string, string> = { KAFKA_BROKERS: 'kafka-0.kafka:9092', SCHEMA_REGISTRY_URL: 'http://registry:8081', REDIS_URL: 'redis://redis:6379' };
    const own = Object.fromEntries(digestEnv.map((variable) => [variable.name, variable.value ?? fromSecret[variable.name] ?? '']));
    const effective = { ...configMap.data, ...own };
    expect(envSchema.safeParse(effective).error?.issues ?? []).toEqual([]);
    expect(digestEnv.find((variable) => variable.name === 'TIDEWATCH_RULES_FILE')).toEqual(env.find((variable) => variable.name === 'TIDEWATCH_RULES_FILE'));
    expect(digestContainer?.volumeMounts).toEqual(container.volumeMounts);
    expect(digestPod.volumes).toEqual(pod.volumes);
  });

  it('rolls with the rules like the service (npx tsx deploy/rules-configmap.ts stamps both)', () => {
    expect(digestTemplate.metadata?.annotations?.[RULES_CHECKSUM_ANNOTATION]).toBe(rulesChecksum(read('rules/default.yaml')));
  });

  it('probes /healthz and /readyz and is scraped on the port it listens on', () => {
    expect(portOf('http')).toBe(httpPort);
    expect(digestContainer?.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(digestContainer?.readinessProbe?.httpGet?.path).toBe('/readyz');
    for (const probe of [digestContainer?.livenessProbe, digestContainer?.readinessProbe]) {
      expect(serverRoutes).toContain(probe?.httpGet?.path);
      expect(portOf(probe?.httpGet?.port)).toBe(httpPort);
    }
    const annotations = digestTemplate.metadata?.annotations ?? {};
    expect(annotations['prometheus.io/scrape']).toBe('true');
    expect(Number(annotations['prometheus.io/port'])).toBe(httpPort);
  });

  it('runs confined like the service, and gets time to finish a flush on SIGTERM', () => {
    expect(digestContainer?.securityContext).toEqual(container.securityContext);
    expect(digestPod.securityContext).toEqual(pod.securityContext);
    expect(digestPod.automountServiceAccountToken).toBe(false);
    expect(digestPod.enableServiceLinks).toBe(false);
    expect(digestPod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
  });

  it('runs more than one replica but no more than the routine topic’s partitions, memory capped', () => {
    expect(digest.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(digest.spec.replicas).toBeLessThanOrEqual(Number(configMap.data?.['TIDEWATCH_TOPIC_PARTITIONS']));
    const { requests, limits } = digestContainer?.resources ?? {};
    expect(bytes(requests?.memory)).toBeLessThanOrEqual(bytes(limits?.memory));
    const heap = (digestContainer?.command ?? []).map((arg) => /^--max-old-space-size=(\d+)$/.exec(arg)?.[1]).find((value) => value !== undefined);
    expect(Number(heap) * 2 ** 20).toBeLessThan(0.85 * bytes(limits?.memory));
  });
});

describe('k8s/networkpolicy.yaml', () => {
  interface PolicyPort {
    port?: number | string;
    protocol?: string;
  }
  interface PolicyPeer {
    namespaceSelector?: { matchLabels?: Labels };
    podSelector?: { matchLabels?: Labels };
    ipBlock?: unknown;
  }
  interface NetworkPolicy extends Manifest {
    spec: {
      podSelector: { matchLabels?: Labels };
      policyTypes?: string[];
      ingress?: Array<{ from?: PolicyPeer[]; ports?: PolicyPort[] }>;
      egress?: Array<{ to?: PolicyPeer[]; ports?: PolicyPort[] }>;
    };
  }
  const policy = manifest<NetworkPolicy>('networkpolicy.yaml');
  const digestLabels = manifest<Deployment>('digest-deployment.yaml').spec.template.metadata?.labels ?? {};
  const egressPorts = (policy.spec.egress ?? []).flatMap((rule) => (rule.ports ?? []).map((port) => `${port.port}/${port.protocol ?? 'TCP'}`));
  const portOfAddress = (address: string) => Number(/:(\d+)(?:\/|$)/.exec(address)?.[1] ?? (address.startsWith('https:') ? 443 : 80));

  it('is a NetworkPolicy over the service and the digest pods, governing both directions', () => {
    expect(policy.kind).toBe('NetworkPolicy');
    expect(selects(policy.spec.podSelector.matchLabels, podLabels)).toBe(true);
    expect(selects(policy.spec.podSelector.matchLabels, digestLabels)).toBe(true);
    expect([...(policy.spec.policyTypes ?? [])].sort()).toEqual(['Egress', 'Ingress']);
  });

  it('lets in only the HTTP port, only from the monitoring namespace and labelled features clients', () => {
    const rules = policy.spec.ingress ?? [];
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      // an absent `from` or `ports` would open the rule to every source or port
      expect(rule.from?.length ?? 0).toBeGreaterThan(0);
      expect(rule.ports?.map((port) => containerPort(port.port))).toEqual([Number(configMap.data?.['TIDEWATCH_HTTP_PORT'])]);
      for (const peer of rule.from ?? []) {
        const fromMonitoring = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring' && peer.podSelector === undefined;
        const featuresClient = peer.podSelector?.matchLabels?.['tidewatch.io/features-client'] === 'true';
        expect(fromMonitoring || featuresClient, JSON.stringify(peer)).toBe(true);
        expect(peer.ipBlock).toBeUndefined();
      }
    }
  });

  it('lets out DNS and the ports of Kafka, the registry and Redis in the examples of the Secret, and only ports it names', () => {
    for (const rule of policy.spec.egress ?? []) expect(rule.ports?.length ?? 0, 'an egress rule without ports opens every port').toBeGreaterThan(0);
    expect(egressPorts).toEqual(expect.arrayContaining(['53/UDP', '53/TCP']));
    const readme = read('k8s/README.md');
    const example = (key: string) => new RegExp(`\\| \`${key}\` \\| \`([^\`]+)\``).exec(readme)?.[1] ?? '';
    for (const broker of example('KAFKA_BROKERS').split(',')) expect(egressPorts, broker).toContain(`${portOfAddress(broker)}/TCP`);
    expect(egressPorts).toContain(`${portOfAddress(example('SCHEMA_REGISTRY_URL'))}/TCP`);
    expect(egressPorts).toContain(`${portOfAddress(example('REDIS_URL'))}/TCP`);
  });
});

describe('k8s/README.md', () => {
  const readme = read('k8s/README.md');
  const exported = new Set([...read('src/observability/metrics.ts').matchAll(/'(tidewatch_[a-z0-9_]*[a-z0-9])'/g)].map((match) => match[1]!));

  it(`documents the ${SECRET_NAME} Secret with every required variable`, () => {
    expect(readme).toContain(SECRET_NAME);
    for (const name of requiredEnvNames) expect(readme, name).toContain(name);
  });

  it('names only metrics the service exports', () => {
    const named = [...readme.matchAll(/\btidewatch_[a-z0-9_]*[a-z0-9]\b/g)].map((match) => match[0].replace(/_(bucket|sum|count)$/, ''));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !exported.has(name))).toEqual([]);
  });
});
