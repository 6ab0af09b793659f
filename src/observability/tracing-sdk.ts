import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter } from '@opentelemetry/sdk-trace-base';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { TracesExporter, Tracing } from './tracing.ts';

/**
 * The OpenTelemetry SDK, loaded only when tracing is on (src/observability/tracing.ts imports this module
 * dynamically). The exporter reads its own standard variables (OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS, ...), the
 * resource OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, the provider OTEL_TRACES_SAMPLER and the batch span
 * processor OTEL_BSP_*. Spans go out in the background, batched; nothing waits for the collector.
 */
export function startTracingSdk(exporter: TracesExporter, serviceName: string, processor?: SpanProcessor): Tracing {
  const spanExporter: SpanExporter = exporter === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter();
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': serviceName }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor ?? new BatchSpanProcessor(spanExporter)] });
  // also installs the AsyncLocalStorage context manager: a span started inside another's work is its child
  provider.register();
  return { shutdown: () => provider.shutdown() };
}
