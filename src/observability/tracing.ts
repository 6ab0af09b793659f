import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import type { Logger } from './logger.ts';

/**
 * OpenTelemetry tracing of consume → process → produce, one span tree per fetched batch (never per record). Off
 * unless the standard variables ask for it; then the SDK (src/observability/tracing-sdk.ts) is imported on demand.
 * While off, only @opentelemetry/api is loaded and every span below is its no-op: no SDK, no exporter, no timers.
 * Attributes carry counts, topics and partitions only: no key, value, customer or RM id.
 */

export type TracesExporter = 'otlp' | 'console';

/** Whether the standard OTEL_* variables switch tracing on, and to which exporter. */
export function tracingSettings(env: NodeJS.ProcessEnv): { enabled: false } | { enabled: true; exporter: TracesExporter } {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return { enabled: false };
  const exporters = (env['OTEL_TRACES_EXPORTER'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (exporters.includes('none')) return { enabled: false };
  if (exporters.includes('console')) return { enabled: true, exporter: 'console' };
  if (exporters.includes('otlp')) return { enabled: true, exporter: 'otlp' };
  // no exporter named: an OTLP endpoint is the request to trace
  const endpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ?? env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  return endpoint !== undefined && endpoint.trim() !== '' ? { enabled: true, exporter: 'otlp' } : { enabled: false };
}

export interface Tracing {
  /** Exports the spans still buffered and stops the SDK. */
  shutdown(): Promise<void>;
}

/** Starts the SDK if the environment asks for tracing; undefined (and nothing loaded) otherwise. */
export async function startTracing(env: NodeJS.ProcessEnv, serviceName: string, logger: Logger): Promise<Tracing | undefined> {
  const settings = tracingSettings(env);
  if (!settings.enabled) return undefined;
  const { startTracingSdk } = await import('./tracing-sdk.ts');
  const tracing = startTracingSdk(settings.exporter, serviceName);
  logger.info({ exporter: settings.exporter }, 'tracing on');
  return tracing;
}

const tracer = () => trace.getTracer('tidewatch');

export const spanKinds = { consumer: SpanKind.CONSUMER, producer: SpanKind.PRODUCER, internal: SpanKind.INTERNAL } as const;

/**
 * Runs `work` in a span that is the active one for everything it awaits (child spans attach to it); a failure
 * marks the span as an error with the error's class name only, since messages may quote data.
 */
export function inSpan<T>(name: string, kind: SpanKind, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });
}
