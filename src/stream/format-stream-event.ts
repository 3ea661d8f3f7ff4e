import { cefLine, eventSeverity, ocsfEvent, type EventView } from '../audit/index.js';
import type { DestinationFormat } from '../store/index.js';
import { gitlabStreamEvent } from './gitlab-stream-event.js';

/** One event in a destination's format: a JSON value (gitlab, ocsf, ndjson) or a CEF line. */
export function formatStreamEvent(v: EventView, format: DestinationFormat): Record<string, unknown> | string {
  switch (format) {
    case 'gitlab':
      return gitlabStreamEvent(v);
    case 'ocsf':
      return ocsfEvent(v);
    case 'cef':
      return cefLine(v);
    default:
      return v as unknown as Record<string, unknown>;
  }
}

/** The event as text: JSON on one line, or the CEF line. */
export function streamEventText(v: EventView, format: DestinationFormat): string {
  const f = formatStreamEvent(v, format);
  return typeof f === 'string' ? f : JSON.stringify(f);
}

// RFC 5424: facility 13 (log audit); CEF severity 7 and up is a warning, 5 a notice, the rest informational.
const FACILITY = 13;
const syslogSeverity = (type: string) => {
  const s = eventSeverity(type);
  return s >= 7 ? 4 : s >= 5 ? 5 : 6;
};
/** RFC 5612's example enterprise number, for documentation use; the SD-ID names flowtrail's own parameters. */
export const SD_ID = 'flowtrail@32473';
const sdValue = (s: string) => s.replace(/[\\"\]]/g, (c) => `\\${c}`);
const header = (s: string, max: number) => (s.replace(/[^\x21-\x7e]/g, '').slice(0, max) || '-');

/**
 * One RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME flowtrail - - [SD] MSG`,
 * the structured data carrying the event id (the idempotency key), seq and
 * type, the message the event in the destination's format (CEF by default),
 * UTF-8 after a BOM as the RFC asks.
 */
export function syslogMessage(v: EventView, format: DestinationFormat, hostname: string): Buffer {
  const pri = FACILITY * 8 + syslogSeverity(v.type);
  const sd = `[${SD_ID} eventId="${sdValue(v.event_id)}" seq="${v.seq}" type="${sdValue(v.type)}"]`;
  const timestamp = v.recorded_at === '' ? '-' : v.recorded_at;
  const head = `<${pri}>1 ${timestamp} ${header(hostname, 255)} flowtrail - - ${sd} `;
  return Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(streamEventText(v, format), 'utf8')]);
}

/** RFC 6587 octet counting: the message's length in bytes, a space, the message. */
export function octetCountedFrame(message: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
}
