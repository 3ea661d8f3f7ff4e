import { createHash } from 'node:crypto';
import type { EventView } from '../audit/index.js';
import { formatStreamEvent } from './format-stream-event.js';
import { createPoster, type PostAnswer } from './post-request.js';
import { describeFailure, type DeliveryResult, type Sender, type SenderSettings } from './sender.js';

/** At most this many bytes per POST (Splunk's max_content_length was 1 MB for long). */
const MAX_REQUEST_BYTES = 1_000_000;
const ACK_POLL_MS = 200;

/** A stable channel per destination (a UUID derived from its id), so acknowledgements survive restarts. */
export function hecChannel(destinationId: string): string {
  const h = createHash('sha256').update(`flowtrail hec channel ${destinationId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The collector's event endpoint: the URL as given when it names a path, else /services/collector/event on it. */
export function hecEndpoints(url: URL): { event: URL; ack: URL } {
  const base = url.pathname === '/' || url.pathname === '' ? new URL('/services/collector/event', url) : new URL(url);
  const ack = new URL(base.pathname.replace(/\/event(\/1\.0)?$/, '/ack').replace(/\/(raw)(\/1\.0)?$/, '/ack'), base);
  return { event: base, ack };
}

interface HecAnswer {
  text?: string;
  code?: number;
  ackId?: number;
  acks?: Record<string, boolean>;
}

const parse = (a: PostAnswer): HecAnswer => {
  try {
    return JSON.parse(a.body) as HecAnswer;
  } catch {
    return {};
  }
};

/**
 * `splunk_hec`: batches of HEC events (one JSON object each, concatenated)
 * POSTed to /services/collector/event with `Authorization: Splunk <token>`
 * and a request channel. When the collector uses indexer acknowledgement
 * (its answer carries an ackId), a batch counts as delivered only once
 * /services/collector/ack says it was indexed; a batch not acknowledged in
 * time is sent again (HEC's own at-least-once).
 */
export function createHecSender(s: SenderSettings): Sender {
  const poster = createPoster({ ca: s.tlsCa, timeoutMs: s.timeoutMs });
  const { event, ack } = hecEndpoints(s.url);
  const channel = hecChannel(s.id);
  const headers = { 'content-type': 'application/json', authorization: `Splunk ${s.token ?? ''}`, 'x-splunk-request-channel': channel };
  const sourcetype = `flowtrail:${s.format}`;

  const eventJson = (v: EventView) => JSON.stringify({
    time: v.recorded_at === '' ? undefined : Date.parse(v.recorded_at) / 1000,
    host: s.hostname, source: 'flowtrail', sourcetype,
    event: formatStreamEvent(v, s.format),
    fields: { event_id: v.event_id, flowtrail_seq: String(v.seq) },
  });

  async function waitForAck(id: number): Promise<string | undefined> {
    const until = Date.now() + s.timeoutMs;
    for (;;) {
      const answer = await poster.post(ack, headers, JSON.stringify({ acks: [id] }));
      if (answer.status !== 200) return `the acknowledgement endpoint answered HTTP ${answer.status}`;
      if (parse(answer).acks?.[String(id)] === true) return undefined;
      if (Date.now() >= until) return `ackId ${id} was not acknowledged within ${s.timeoutMs / 1000} s`;
      await new Promise((r) => setTimeout(r, ACK_POLL_MS));
    }
  }

  /** POSTs one request's worth of events; returns an error or undefined. */
  async function post(body: string): Promise<string | undefined> {
    const answer = await poster.post(event, headers, body);
    const hec = parse(answer);
    if (answer.status !== 200) return `the collector answered HTTP ${answer.status}${hec.text === undefined ? '' : ` (${String(hec.text).slice(0, 120)}, code ${hec.code})`}`;
    return typeof hec.ackId === 'number' ? waitForAck(hec.ackId) : undefined;
  }

  return {
    async send(events) {
      let delivered = 0;
      let body = '';
      let count = 0;
      try {
        for (const v of events) {
          const json = eventJson(v);
          if (count > 0 && body.length + json.length > MAX_REQUEST_BYTES) {
            const error = await post(body);
            if (error !== undefined) return { delivered, error };
            delivered += count;
            body = '';
            count = 0;
          }
          body += json;
          count++;
        }
        if (count > 0) {
          const error = await post(body);
          if (error !== undefined) return { delivered, error };
          delivered += count;
        }
        return { delivered };
      } catch (err) {
        return { delivered, error: describeFailure(err) } satisfies DeliveryResult;
      }
    },
    close: () => poster.close(),
  };
}
