import { context, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export type ExporterKind = 'json' | 'protobuf';

/**
 * A real OpenTelemetry SDK whose OTLP/HTTP exporter (JSON or protobuf) posts
 * to `url`, through the BatchSpanProcessor an agent would use (the spans
 * reach the service when the test flushes).
 */
export function createSdk(kind: ExporterKind, url: string, token: string, resource: Attributes, options: { compression?: 'gzip' | 'none' } = {}) {
  const config = { url: `${url}/v1/traces`, headers: { Authorization: `Bearer ${token}` }, compression: options.compression as never };
  const exporter = kind === 'json' ? new JsonExporter(config) : new ProtoExporter(config);
  const provider = new NodeTracerProvider({ resource: resourceFromAttributes(resource), spanProcessors: [new BatchSpanProcessor(exporter)] });
  const tracer = provider.getTracer('flowtrail-test-agent', '1.0.0');
  return { tracer, provider, flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() };
}

/** Runs `fn` with a child span of `parent`, ended afterwards (with status ERROR when `error` is given). */
export function child(tracer: Tracer, parent: Span, name: string, attributes: Attributes, error?: string): Span {
  const span = tracer.startSpan(name, { attributes }, trace.setSpan(context.active(), parent));
  if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
  span.end();
  return span;
}

export { SpanStatusCode };
