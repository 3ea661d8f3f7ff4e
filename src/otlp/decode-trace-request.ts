import type { OtlpSpan, SpanProblem } from './otlp-span.js';
import { traceCollector } from './otlp-proto.js';
import { nanosToMs, readKeyValues, toNumber } from './read-any-value.js';

export type TraceEncoding = 'protobuf' | 'json';
export type DecodedTraces = { ok: true; spans: OtlpSpan[]; problems: SpanProblem[] } | { ok: false; error: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Reads an OTLP/HTTP ExportTraceServiceRequest with the OpenTelemetry
 * generated decoder: protobuf as it is; JSON (OTLP/JSON: lowerCamelCase
 * names, trace and span ids in hex) parsed, its ids turned into bytes, then
 * given to the same message type's fromObject. A body that is not such a
 * message is an error in words; a span that is unreadable on its own (bad ids
 * or times) is a problem of that span only.
 */
export function decodeTraceRequest(body: Uint8Array, encoding: TraceEncoding): DecodedTraces {
  let message: unknown;
  try {
    if (encoding === 'protobuf') {
      message = traceCollector().ExportTraceServiceRequest.decode(body);
    } else {
      const parsed: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
      if (!isObj(parsed)) return { ok: false, error: 'the body must be a JSON object (an OTLP ExportTraceServiceRequest)' };
      const idProblem = hexIdsToBytes(parsed);
      if (idProblem !== null) return { ok: false, error: idProblem };
      message = traceCollector().ExportTraceServiceRequest.fromObject(parsed);
    }
  } catch (err) {
    const what = encoding === 'protobuf' ? 'protobuf' : 'OTLP/JSON';
    return { ok: false, error: `the body is not an OTLP ExportTraceServiceRequest in ${what}: ${err instanceof Error ? err.message : String(err)}` };
  }
  return { ok: true, ...readSpans(message) };
}

/** OTLP/JSON writes ids in hex; the generated fromObject expects bytes. Returns what is wrong, or null. */
function hexIdsToBytes(request: Obj): string | null {
  if (request.resourceSpans !== undefined && !Array.isArray(request.resourceSpans)) return 'resourceSpans: must be an array';
  for (const [r, rs] of list(request.resourceSpans).entries()) {
    if (!isObj(rs)) return `resourceSpans[${r}]: must be an object`;
    if (rs.scopeSpans !== undefined && !Array.isArray(rs.scopeSpans)) return `resourceSpans[${r}].scopeSpans: must be an array`;
    for (const [s, ss] of list(rs.scopeSpans).entries()) {
      if (!isObj(ss)) return `resourceSpans[${r}].scopeSpans[${s}]: must be an object`;
      if (ss.spans !== undefined && !Array.isArray(ss.spans)) return `resourceSpans[${r}].scopeSpans[${s}].spans: must be an array`;
      for (const [i, span] of list(ss.spans).entries()) {
        if (!isObj(span)) return `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]: must be an object`;
        for (const key of ['traceId', 'spanId', 'parentSpanId']) {
          const v = span[key];
          if (v === undefined || v === null || v === '') continue;
          if (typeof v !== 'string' || !/^(?:[0-9a-fA-F]{2})*$/.test(v)) return `resourceSpans[${r}].scopeSpans[${s}].spans[${i}].${key}: must be hex digits`;
          span[key] = Buffer.from(v, 'hex');
        }
        for (const link of list(span.links)) {
          if (!isObj(link)) continue;
          for (const key of ['traceId', 'spanId']) {
            const v = link[key];
            if (typeof v === 'string' && /^(?:[0-9a-fA-F]{2})*$/.test(v)) link[key] = Buffer.from(v, 'hex');
            else delete link[key];
          }
        }
      }
    }
  }
  return null;
}

const hex = (v: unknown): string => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : '');

function readSpans(message: unknown): { spans: OtlpSpan[]; problems: SpanProblem[] } {
  const spans: OtlpSpan[] = [];
  const problems: SpanProblem[] = [];
  const request = isObj(message) ? message : {};
  for (const [r, rs] of list(request.resourceSpans).entries()) {
    if (!isObj(rs)) continue;
    const resource = readKeyValues(isObj(rs.resource) ? rs.resource.attributes : []);
    for (const [s, ss] of list(rs.scopeSpans).entries()) {
      if (!isObj(ss)) continue;
      for (const [i, raw] of list(ss.spans).entries()) {
        const path = `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`;
        if (!isObj(raw)) continue;
        const traceId = hex(raw.traceId);
        const spanId = hex(raw.spanId);
        const parent = hex(raw.parentSpanId);
        const startMs = nanosToMs(raw.startTimeUnixNano);
        const endMs = nanosToMs(raw.endTimeUnixNano);
        const error = !/^[0-9a-f]{32}$/.test(traceId) || /^0+$/.test(traceId) ? 'traceId must be 16 bytes, not all zero'
          : !/^[0-9a-f]{16}$/.test(spanId) || /^0+$/.test(spanId) ? 'spanId must be 8 bytes, not all zero'
            : parent !== '' && !/^[0-9a-f]{16}$/.test(parent) ? 'parentSpanId must be 8 bytes or empty'
              : !(startMs > 0) ? 'startTimeUnixNano must be a time after 1970'
                : !(endMs >= startMs) ? 'endTimeUnixNano must not be before startTimeUnixNano' : null;
        if (error !== null) {
          problems.push({ path, error });
          continue;
        }
        const status = isObj(raw.status) ? raw.status : {};
        spans.push({
          traceId, spanId, parentSpanId: parent === '' || /^0+$/.test(parent) ? null : parent,
          name: typeof raw.name === 'string' ? raw.name : '',
          kind: toNumber(raw.kind) || 0,
          startMs, endMs,
          attributes: readKeyValues(raw.attributes),
          resource,
          status: { code: toNumber(status.code) || 0, message: typeof status.message === 'string' ? status.message : '' },
          events: list(raw.events).filter(isObj).map((e) => ({
            name: typeof e.name === 'string' ? e.name : '', timeMs: nanosToMs(e.timeUnixNano), attributes: readKeyValues(e.attributes),
          })),
        });
      }
    }
  }
  return { spans, problems };
}
