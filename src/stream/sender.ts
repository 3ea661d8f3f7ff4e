import type { EventView } from '../audit/index.js';
import type { DestinationFormat } from '../store/index.js';

/** What one attempt delivered: the first `delivered` events of the batch, in order; `error` says why it stopped short. */
export interface DeliveryResult {
  delivered: number;
  error?: string;
}

/** Sends batches of events to one destination, in order, as far as its protocol lets flowtrail know they arrived. */
export interface Sender {
  send(events: readonly EventView[]): Promise<DeliveryResult>;
  close(): void;
}

export interface SenderSettings {
  id: string;
  url: URL;
  format: DestinationFormat;
  token: string | null;
  tlsCa: string | null;
  /** This service's host name, in syslog messages and HEC events. */
  hostname: string;
  /** How long to wait for a receiver's answer (or HEC acknowledgement). */
  timeoutMs: number;
}

/** An error's message without anything but one line of text. */
export function describeFailure(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const text = `${e.code !== undefined && !String(e.message).includes(e.code) ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
  return text.replace(/\s+/g, ' ').slice(0, 300);
}
