// The OpenTelemetry project's own generated code for the OTLP messages
// (opentelemetry-proto compiled by protobufjs, shipped in
// @opentelemetry/otlp-transformer up to 0.216; see docs/otel.md for why that
// version). Its typings name only protobufjs' Root, so the few messages used
// are typed here by what they do.
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

const root = createRequire(import.meta.url)('@opentelemetry/otlp-transformer/build/src/generated/root.js') as {
  opentelemetry: { proto: { collector: { trace: { v1: TraceCollector } } } };
};

export const traceCollector: TraceCollector = root.opentelemetry.proto.collector.trace.v1;
