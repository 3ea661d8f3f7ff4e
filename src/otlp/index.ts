export { decodeTraceRequest, type DecodedTraces, type TraceEncoding } from './decode-trace-request.js';
export { encodeTraceResponse } from './encode-trace-response.js';
export { mapSpans, messageText, type MappedSpans, type SpanEvent } from './map-spans.js';
export { resolveProject, repositoryPath, type ProjectMapEntry } from './resolve-project.js';
export { ATTRIBUTES, OPERATIONS, type AttributeMapping } from './genai-attributes.js';
export { renderMappingTables } from './render-mapping-tables.js';
export { traceCollector } from './otlp-proto.js';
export type { OtlpSpan, AttrValue, SpanProblem } from './otlp-span.js';
