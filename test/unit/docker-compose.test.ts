import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envSchema, requiredEnvNames } from '../../src/config/env.ts';

/**
 * Guards the deployment files against drifting away from the code: pinned images, the service's required
 * configuration, service-name wiring, the optional Prometheus profile and a non-root runtime image.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const composePath = resolve(repoRoot, 'docker-compose.yml');

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number | boolean | null> | string[];
  profiles?: string[];
  volumes?: Array<string | { type?: string; source?: string; target?: string; read_only?: boolean }>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  stop_grace_period?: string;
  env_file?: unknown;
  secrets?: unknown;
  read_only?: boolean;
  cap_drop?: string[];
  ports?: Array<string | number>;
}

const compose = parse(readFileSync(composePath, 'utf8')) as { services?: Record<string, ComposeService> };
const services = compose.services ?? {};
const serviceNames = Object.keys(services);

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** Compose accepts `environment` as a map or as a list of NAME=value; values end up as strings either way. */
function environmentOf(svc: ComposeService): Record<string, string> {
  const env = svc.environment;
  if (env === undefined) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        return eq === -1 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value === null ? '' : String(value)]));
}

/** Splits an image reference into name and tag/digest, ignoring a registry host's port (`host:5000/img`). */
function imageVersion(image: string): { tag?: string; digest?: string } {
  const [withoutDigest, digest] = image.split('@', 2) as [string, string | undefined];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  const tag = colon === -1 ? undefined : lastSegment.slice(colon + 1);
  return { ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

/** A compose duration (`1m30s`, `60s`, `500ms`) in seconds. */
function seconds(duration: string): number {
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ms|us|s|m|h)/g)];
  if (parts.map((part) => part[0]).join('') !== duration) throw new Error(`not a compose duration: ${duration}`);
  const unit = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 } as const;
  return parts.reduce((total, part) => total + Number(part[1]) * unit[part[2] as keyof typeof unit], 0);
}

/** Bind mounts of a service as { source, target, readOnly }. */
function mountsOf(svc: ComposeService): Array<{ source: string; target: string; readOnly: boolean }> {
  return (svc.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') return { source: volume.source ?? '', target: volume.target ?? '', readOnly: volume.read_only === true };
    const [source = '', target = '', mode = ''] = volume.split(':');
    return { source, target, readOnly: mode.split(',').includes('ro') };
  });
}

/** Host part of `host:port` or of a URL. */
function hostOf(value: string): string {
  return value.includes('://') ? new URL(value).hostname : (value.split(':')[0] ?? '');
}

const tidewatchEnv = environmentOf(service('tidewatch'));

describe('docker-compose.yml', () => {
  const imaged = Object.entries(services).filter(([, svc]) => svc.image !== undefined);

  it('declares the services the stack needs', () => {
    expect(serviceNames).toEqual(
      expect.arrayContaining(['kafka', 'schema-registry', 'redis', 'tidewatch', 'prometheus']),
    );
    expect(imaged.length).toBeGreaterThan(0);
  });

  it.each(imaged)('service %s pins its image to an explicit version', (_name, svc) => {
    const { tag, digest } = imageVersion(svc.image ?? '');
    if (digest !== undefined) {
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      return;
    }
    expect(tag, `image "${svc.image}" has no tag`).toBeDefined();
    expect(tag).not.toBe('latest');
    expect(tag).toMatch(/\d/);
  });

  it.each([...requiredEnvNames])('tidewatch sets required variable %s', (name) => {
    expect(tidewatchEnv[name]?.trim() ?? '', `${name} missing or empty`).not.toBe('');
  });

  it('tidewatch environment parses with the service schema', () => {
    const known = Object.fromEntries(Object.entries(tidewatchEnv).filter(([name]) => name in envSchema.shape));
    const result = envSchema.safeParse(known);
    expect(result.error?.issues ?? []).toEqual([]);
    expect(result.success).toBe(true);
  });

  it.each([
    ['KAFKA_BROKERS', (value: string) => value.split(',').map((broker) => hostOf(broker.trim()))],
    ['SCHEMA_REGISTRY_URL', (value: string) => [hostOf(value)]],
    ['REDIS_URL', (value: string) => [hostOf(value)]],
  ] as const)('tidewatch %s points at services defined in the file', (name, hosts) => {
    const value = tidewatchEnv[name] ?? '';
    const targets = hosts(value);
    expect(targets.length).toBeGreaterThan(0);
    for (const host of targets) expect(serviceNames, `${name}=${value}`).toContain(host);
  });

  it('the kafka service advertises the address tidewatch bootstraps from', () => {
    const advertised = environmentOf(service('kafka'))['KAFKA_ADVERTISED_LISTENERS'] ?? '';
    const endpoints = advertised.split(',').map((listener) => listener.replace(/^[^:]+:\/\//, '').trim());
    for (const broker of (tidewatchEnv['KAFKA_BROKERS'] ?? '').split(',')) expect(endpoints).toContain(broker.trim());
  });

  it('prometheus is opt-in behind a profile and mounts a config file that exists', () => {
    const prometheus = service('prometheus');
    expect(prometheus.profiles ?? []).not.toHaveLength(0);

    const mounts = (prometheus.volumes ?? []).map((volume) => {
      if (typeof volume !== 'string') return { source: volume.source ?? '', readOnly: volume.read_only === true };
      const [source = '', , mode = ''] = volume.split(':');
      return { source, readOnly: mode.split(',').includes('ro') };
    });
    const config = mounts.find((mount) => mount.source.endsWith('prometheus.yml'));
    expect(config, 'no prometheus.yml bind mount').toBeDefined();
    expect(config?.readOnly).toBe(true);
    const configPath = resolve(dirname(composePath), config?.source ?? '');
    expect(existsSync(configPath), configPath).toBe(true);

    // Its scrape targets are compose services too.
    const scrape = parse(readFileSync(configPath, 'utf8')) as {
      scrape_configs?: Array<{ job_name?: string; static_configs?: Array<{ targets?: string[] }> }>;
    };
    const job = scrape.scrape_configs?.find((candidate) => candidate.job_name === 'tidewatch');
    const targets = job?.static_configs?.flatMap((group) => group.targets ?? []) ?? [];
    expect(targets).not.toHaveLength(0);
    for (const target of targets) expect(serviceNames).toContain(hostOf(target));
  });

  it('prometheus loads the alerting rules it names, from mounted files that exist', () => {
    const prometheus = service('prometheus');
    const mounts = mountsOf(prometheus);
    const config = mounts.find((mount) => mount.source.endsWith('prometheus.yml'));
    const configDir = dirname(config?.target ?? '/etc/prometheus/prometheus.yml');
    const { rule_files: ruleFiles = [] } = parse(readFileSync(resolve(repoRoot, config?.source ?? ''), 'utf8')) as { rule_files?: string[] };
    expect(ruleFiles).not.toHaveLength(0);
    for (const ruleFile of ruleFiles) {
      const target = ruleFile.startsWith('/') ? ruleFile : `${configDir}/${ruleFile}`;
      const mount = mounts.find((candidate) => candidate.target === target);
      expect(mount, `${target} is not mounted into prometheus`).toBeDefined();
      expect(mount?.readOnly).toBe(true);
      expect(existsSync(resolve(repoRoot, mount?.source ?? '')), mount?.source).toBe(true);
    }
  });

  it('tidewatch sets only variables the service reads', () => {
    expect(Object.keys(tidewatchEnv).filter((name) => !(name in envSchema.shape))).toEqual([]);
  });

  it('tidewatch creates its topics and registers its schemas on the bare local broker and registry', () => {
    const parsed = envSchema.parse(tidewatchEnv);
    expect(parsed.TIDEWATCH_CREATE_TOPICS).toBe(true);
    expect(parsed.TIDEWATCH_REGISTER_SCHEMAS).toBe(true);
  });

  it('tidewatch starts only once kafka, the registry and redis are healthy', () => {
    const dependsOn = service('tidewatch').depends_on;
    expect(Array.isArray(dependsOn), 'depends_on must name conditions').toBe(false);
    for (const dependency of ['kafka', 'schema-registry', 'redis']) {
      expect((dependsOn as Record<string, { condition?: string }>)[dependency]?.condition, dependency).toBe('service_healthy');
      const healthcheck = service(dependency).healthcheck;
      expect(healthcheck?.test, `${dependency} has no healthcheck`).toBeDefined();
      expect(healthcheck?.disable ?? false).toBe(false);
    }
  });

  it('tidewatch gets time to stop gracefully (finish the batch, publish, commit)', () => {
    expect(seconds(service('tidewatch').stop_grace_period ?? '10s')).toBeGreaterThanOrEqual(30);
  });

  it('tidewatch mounts nothing and reads no env or secret files', () => {
    const tidewatch = service('tidewatch');
    expect(tidewatch.volumes ?? []).toEqual([]);
    expect(tidewatch.env_file).toBeUndefined();
    expect(tidewatch.secrets).toBeUndefined();
  });

  it('tidewatch runs confined as in Kubernetes: read-only root filesystem, no capabilities', () => {
    const tidewatch = service('tidewatch');
    expect(tidewatch.read_only).toBe(true);
    expect(tidewatch.cap_drop).toContain('ALL');
  });
});

describe('docker-compose.yml: tidewatch-digest', () => {
  const digest = service('tidewatch-digest');
  const digestEnv = environmentOf(digest);

  it('runs `tidewatch digest` from the same build as the service', () => {
    expect(digest.build).toEqual(service('tidewatch').build);
    expect((digest as { command?: string[] }).command).toEqual(['node', 'bin/tidewatch.js', 'digest']);
  });

  it('sets the required variables, to the same services as tidewatch, and only variables the service reads', () => {
    for (const name of requiredEnvNames) expect(digestEnv[name], name).toBe(tidewatchEnv[name]);
    expect(Object.keys(digestEnv).filter((name) => !(name in envSchema.shape))).toEqual([]);
    expect(envSchema.safeParse(digestEnv).error?.issues ?? []).toEqual([]);
  });

  it('starts once its dependencies are healthy, stops gracefully and runs confined', () => {
    expect(digest.depends_on).toEqual(service('tidewatch').depends_on);
    expect(seconds(digest.stop_grace_period ?? '10s')).toBeGreaterThanOrEqual(30);
    expect(digest.read_only).toBe(true);
    expect(digest.cap_drop).toContain('ALL');
    expect(digest.volumes ?? []).toEqual([]);
  });
});

describe('Dockerfile', () => {
  /** Instructions with line continuations joined and comments dropped. */
  const instructions = readFileSync(resolve(repoRoot, 'Dockerfile'), 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const lastFrom = instructions.findLastIndex((line) => /^FROM\s/i.test(line));
  const runtime = instructions.slice(lastFrom + 1);

  /** `COPY [--from=x] src... dest` of the runtime stage as { from, sources, dest }. */
  const copies = runtime
    .filter((line) => /^COPY\s/i.test(line))
    .map((line) => {
      const words = line.replace(/^COPY\s+/i, '').split(/\s+/);
      const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((word) => !word.startsWith('--'));
      return { from, sources: paths.slice(0, -1), dest: paths.at(-1) ?? '' };
    });
  const workdir = runtime.filter((line) => /^WORKDIR\s/i.test(line)).at(-1)?.replace(/^WORKDIR\s+/i, '');

  it('runs the final stage as a non-root user', () => {
    expect(lastFrom).toBeGreaterThanOrEqual(0);
    const users = runtime.filter((line) => /^USER\s/i.test(line));
    const finalUser = users.at(-1)?.replace(/^USER\s+/i, '').split(':')[0]?.trim();
    expect(finalUser, 'final stage has no USER instruction').toBeDefined();
    expect(['root', '0', '']).not.toContain(finalUser);
  });

  it.each([
    ['dist', 'compiled service, from the build stage'],
    ['bin', 'the tidewatch command'],
    ['avro', 'schemas registered at start'],
    ['rules', 'TIDEWATCH_RULES_FILE default rules/default.yaml'],
  ])('the runtime image holds %s/ under its working directory (%s)', (folder) => {
    expect(workdir).toBe('/app');
    const copy = copies.find((candidate) => candidate.sources.some((source) => source.replace(/^\/app\//, '').replace(/\/$/, '') === folder));
    expect(copy, `no COPY of ${folder} in the runtime stage`).toBeDefined();
    expect(copy?.dest.replace(/\/$/, '')).toMatch(new RegExp(`^(\\./)?${folder}$|^/app/${folder}$`));
    if (folder === 'dist') expect(copy?.from).toBeDefined();
    else expect(existsSync(resolve(repoRoot, folder)), folder).toBe(true);
  });

  it('installs production dependencies only, from the lock file', () => {
    const installs = runtime.filter((line) => /^RUN\s.*\bnpm\s+(ci|install)\b/i.test(line));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/\bnpm ci\b/);
    expect(installs[0]).toMatch(/--omit=dev\b/);
    expect(copies.some((copy) => copy.sources.includes('package-lock.json'))).toBe(true);
  });

  it('starts node bin/tidewatch.js run', () => {
    expect(runtime.some((line) => /^ENTRYPOINT\s/i.test(line))).toBe(false);
    const cmd = runtime.filter((line) => /^CMD\s/i.test(line)).at(-1)?.replace(/^CMD\s+/i, '');
    expect(JSON.parse(cmd ?? 'null')).toEqual(['node', 'bin/tidewatch.js', 'run']);
  });
});

describe('docker-compose.yml monitoring profile: Grafana', () => {
  const grafana = service('grafana');
  const mounts = mountsOf(grafana);
  /** The repository folder mounted at a container path (or a parent of it), and the rest of the path inside it. */
  const hostPathOf = (containerPath: string): string | undefined => {
    const mount = mounts.find((candidate) => containerPath === candidate.target || containerPath.startsWith(`${candidate.target}/`));
    return mount === undefined ? undefined : resolve(repoRoot, mount.source, containerPath.slice(mount.target.length).replace(/^\//, ''));
  };

  it('is opt-in behind the same profile as prometheus, with a pinned image and read-only mounts that exist', () => {
    expect(grafana.profiles).toEqual(service('prometheus').profiles);
    expect(imageVersion(grafana.image ?? '').tag).toMatch(/^\d+\.\d+\.\d+$/);
    expect(mounts.length).toBeGreaterThan(0);
    for (const mount of mounts) {
      expect(mount.readOnly, mount.target).toBe(true);
      expect(existsSync(resolve(repoRoot, mount.source)), mount.source).toBe(true);
    }
  });

  it('provisions a Prometheus data source pointing at the compose prometheus service', () => {
    const folder = hostPathOf('/etc/grafana/provisioning/datasources');
    expect(folder, 'datasources provisioning folder not mounted').toBeDefined();
    const config = parse(readFileSync(resolve(folder!, 'prometheus.yml'), 'utf8')) as { datasources: Array<{ type: string; url: string; uid?: string }> };
    const [datasource] = config.datasources;
    expect(datasource?.type).toBe('prometheus');
    const url = new URL(datasource?.url ?? '');
    expect(url.hostname).toBe('prometheus');
    expect(service('prometheus').ports?.map(String).some((port) => port.endsWith(`:${url.port}`))).toBe(true);
  });

  it('provisions the tidewatch dashboard from a mounted folder that holds it', () => {
    const folder = hostPathOf('/etc/grafana/provisioning/dashboards');
    expect(folder, 'dashboards provisioning folder not mounted').toBeDefined();
    const config = parse(readFileSync(resolve(folder!, 'tidewatch.yml'), 'utf8')) as { providers: Array<{ type: string; options: { path: string } }> };
    const provider = config.providers.find((candidate) => candidate.type === 'file');
    const dashboards = hostPathOf(provider?.options.path ?? '');
    expect(dashboards, `${provider?.options.path} not mounted`).toBeDefined();
    expect(existsSync(resolve(dashboards!, 'tidewatch.json'))).toBe(true);
    expect(resolve(dashboards!, 'tidewatch.json')).toBe(resolve(repoRoot, 'deploy/grafana/dashboards/tidewatch.json'));
  });
});

describe('.dockerignore', () => {
  const patterns = readFileSync(resolve(repoRoot, '.dockerignore'), 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.replace(/^\//, '').replace(/\/$/, ''));

  /** Whether a context path is excluded: a pattern equal to it or to one of its parent folders (no globs needed here). */
  const excluded = (path: string): boolean => {
    const segments = path.replace(/^\.\//, '').replace(/\/$/, '').split('/');
    return segments.some((_segment, index) => patterns.includes(segments.slice(0, index + 1).join('/')));
  };

  it.each(['test', 'bench', '.local-stack', 'node_modules', 'dist', '.git', '.env'])('keeps %s out of the build context', (path) => {
    expect(excluded(path)).toBe(true);
  });

  it('keeps everything the Dockerfile copies from the context', () => {
    const sources = readFileSync(resolve(repoRoot, 'Dockerfile'), 'utf8')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => /^COPY\s/i.test(line) && !/--from=/.test(line))
      .flatMap((line) => line.replace(/^COPY\s+/i, '').split(/\s+/).filter((word) => !word.startsWith('--')).slice(0, -1));
    expect(sources).toEqual(expect.arrayContaining(['src', 'bin', 'avro', 'rules', 'package.json']));
    expect(sources.filter(excluded)).toEqual([]);
  });
});
