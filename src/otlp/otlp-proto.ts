// The OpenTelemetry project's own generated code for the OTLP messages
// (opentelemetry-proto compiled by protobufjs, shipped in
// @opentelemetry/otlp-transformer up to 0.216; see docs/otel.md for why that
// version). Its typings name only protobufjs' Root, so the few messages used
// are typed here by what they do. Loaded on first use, so that the rest of
// the service starts without it.
import { createRequire } from 'node:module';

export interface ProtoMessageType {
  decode(reader: Uint8Array): unknown;
  fromObject(object: Record<string, unknown>): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  toObject(message: unknown, options?: Record<string, unknown>): Record<string, unknown>;
  create(properties?: Record<string, unknown>): unknown;
}

interface TraceCollector {
  ExportTraceServiceRequest: ProtoMessageType;
  ExportTraceServiceResponse: ProtoMessageType;
}

let loaded: TraceCollector | undefined;

export function traceCollector(): TraceCollector {
  if (loaded === undefined) {
    const root = createRequire(import.meta.url)('@opentelemetry/otlp-transformer/build/src/generated/root.js') as {
      opentelemetry: { proto: { collector: { trace: { v1: TraceCollector } } } };
    };
    loaded = root.opentelemetry.proto.collector.trace.v1;
  }
  return loaded;
}
