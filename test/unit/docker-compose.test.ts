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
});

describe('Dockerfile', () => {
  /** Instructions with line continuations joined and comments dropped. */
  const instructions = readFileSync(resolve(repoRoot, 'Dockerfile'), 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('runs the final stage as a non-root user', () => {
    const lastFrom = instructions.findLastIndex((line) => /^FROM\s/i.test(line));
    expect(lastFrom).toBeGreaterThanOrEqual(0);
    const users = instructions.slice(lastFrom + 1).filter((line) => /^USER\s/i.test(line));
    const finalUser = users.at(-1)?.replace(/^USER\s+/i, '').split(':')[0]?.trim();
    expect(finalUser, 'final stage has no USER instruction').toBeDefined();
    expect(['root', '0', '']).not.toContain(finalUser);
  });
});
