/** An attribute value as OTLP carries it (AnyValue), in plain JavaScript; bytes become base64 text. */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };

/** One span of an ExportTraceServiceRequest, normalized from protobuf or JSON: what the mapping reads. */
export interface OtlpSpan {
  /** 32 lower-case hex digits. */
  traceId: string;
  /** 16 lower-case hex digits. */
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: number;
  /** Milliseconds since the epoch (microsecond precision kept as a fraction). */
  startMs: number;
  endMs: number;
  attributes: Record<string, AttrValue>;
  /** The attributes of the resource that sent it (service.name, enduser.id, vcs.repository.url.full, ...). */
  resource: Record<string, AttrValue>;
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  /** Span events by name with their attributes (exception events carry exception.type and exception.message). */
  events: { name: string; timeMs: number; attributes: Record<string, AttrValue> }[];
}

/** A span that could not be read, with the reason (it is counted as rejected in partial_success). */
export interface SpanProblem {
  path: string;
  error: string;
}
