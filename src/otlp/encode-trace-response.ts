import { traceCollector } from './otlp-proto.js';
import type { TraceEncoding } from './decode-trace-request.js';

/**
 * The ExportTraceServiceResponse OTLP/HTTP answers with, in the request's
 * encoding: empty when every span was accepted, else partial_success with the
 * number refused and why.
 */
export function encodeTraceResponse(encoding: TraceEncoding, rejectedSpans: number, errorMessage: string): Uint8Array | string {
  const partial = rejectedSpans > 0 || errorMessage !== '' ? { partialSuccess: { rejectedSpans, errorMessage } } : {};
  if (encoding === 'json') return JSON.stringify(rejectedSpans > 0 || errorMessage !== '' ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } } : {});
  return traceCollector().ExportTraceServiceResponse.encode(traceCollector().ExportTraceServiceResponse.fromObject(partial)).finish();
}
