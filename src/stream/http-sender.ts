import type { EventView } from '../audit/index.js';
import { streamEventText } from './format-stream-event.js';
import { createPoster } from './post-request.js';
import { describeFailure, type DeliveryResult, type Sender, type SenderSettings } from './sender.js';

export const STREAMING_TOKEN_HEADER = 'X-Flowtrail-Event-Streaming-Token';
export const EVENT_TYPE_HEADER = 'X-Flowtrail-Audit-Event-Type';

/**
 * `http`: one POST per event, as GitLab's audit event streaming sends them
 * (the gitlab format is its JSON shape), with the destination's token in
 * X-Flowtrail-Event-Streaming-Token and the event id in Idempotency-Key, so
 * a receiver can drop the repeats that at-least-once delivery allows. Any 2xx
 * is delivery; anything else stops the batch there.
 */
export function createHttpSender(s: SenderSettings): Sender {
  const poster = createPoster({ ca: s.tlsCa, timeoutMs: s.timeoutMs });
  const contentType = s.format === 'cef' ? 'text/plain; charset=utf-8' : 'application/json';
  return {
    async send(events: readonly EventView[]): Promise<DeliveryResult> {
      let delivered = 0;
      for (const v of events) {
        const headers: Record<string, string> = { 'content-type': contentType, 'idempotency-key': v.event_id, [EVENT_TYPE_HEADER]: v.type };
        if (s.token !== null) headers[STREAMING_TOKEN_HEADER] = s.token;
        try {
          const answer = await poster.post(s.url, headers, streamEventText(v, s.format));
          if (answer.status < 200 || answer.status > 299) return { delivered, error: `the receiver answered HTTP ${answer.status}` };
        } catch (err) {
          return { delivered, error: describeFailure(err) };
        }
        delivered++;
      }
      return { delivered };
    },
    close: () => poster.close(),
  };
}
