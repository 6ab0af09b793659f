import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tracingSettings } from '../../src/observability/tracing.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('tracingSettings: the standard OTEL_* variables', () => {
  it.each([
    [{}, { enabled: false }],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, { enabled: true, exporter: 'otlp' }],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, { enabled: true, exporter: 'otlp' }],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, { enabled: true, exporter: 'otlp' }],
    [{ OTEL_TRACES_EXPORTER: 'console' }, { enabled: true, exporter: 'console' }],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, { enabled: false }],
    [{ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }, { enabled: false }],
    [{ OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, { enabled: true, exporter: 'otlp' }],
  ] as const)('%j → %j', (env, expected) => {
    expect(tracingSettings(env)).toEqual(expected);
  });
});

/** Runs startTracing and one span in a fresh Node process; returns the OpenTelemetry packages it loaded. */
function loadedOpenTelemetry(env: Record<string, string>): string[] {
  const script = `
    const { createRequire } = await import('node:module');
    const { startTracing, inSpan, spanKinds } = await import('./src/observability/tracing.ts');
    const { pino } = await import('pino');
    const tracing = await startTracing(process.env, 'probe', pino({ level: 'silent' }));
    await inSpan('probe', spanKinds.internal, { 'tidewatch.records': 1 }, async () => {});
    await tracing?.shutdown();
    const cache = createRequire(import.meta.url).cache;
    const packages = new Set(Object.keys(cache).map((path) => /node_modules\\/(@opentelemetry\\/[^/]+)\\//.exec(path)?.[1]).filter(Boolean));
    process.stdout.write(JSON.stringify([...packages].sort()));
  `;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_'))) as Record<string, string>;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as string[];
}

describe('tracing off costs nothing', () => {
  it('loads no SDK and no exporter while off, and both once an exporter is named', { timeout: 60_000 }, () => {
    const off = loadedOpenTelemetry({});
    expect(off).toEqual(['@opentelemetry/api']);
    const on = loadedOpenTelemetry({ OTEL_TRACES_EXPORTER: 'console', OTEL_BSP_SCHEDULE_DELAY: '10' });
    expect(on).toEqual(expect.arrayContaining(['@opentelemetry/sdk-trace-node', '@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-trace-otlp-http']));
  });

  it('only src/observability/tracing-sdk.ts imports the SDK, and nothing imports that module statically', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []));
    const sources = files(resolve(repoRoot, 'src')).map((file) => ({ file: relative(repoRoot, file), text: readFileSync(file, 'utf8') }));
    const sdkImporters = sources.filter(({ text }) => /from '@opentelemetry\/(?!api')/.test(text)).map(({ file }) => file);
    expect(sdkImporters).toEqual(['src/observability/tracing-sdk.ts']);
    const staticImporters = sources.filter(({ text }) => /^import [^;]*from '[^']*tracing-sdk\.ts'/m.test(text) && !/^import type/m.test(text.match(/^import [^;]*tracing-sdk\.ts'/m)?.[0] ?? ''));
    expect(staticImporters.map(({ file }) => file)).toEqual([]);
  });
});
