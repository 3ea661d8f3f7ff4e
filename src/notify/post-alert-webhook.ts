import { signWebhook } from '../integrity/index.js';

export interface AlertWebhook {
  url: string;
  /** The `whsec_` key deliveries are signed with (Standard Webhooks). */
  secret: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** Where the webhook is, for logs and errors: its origin only (the path of a chat webhook is its secret). */
export const webhookOrigin = (url: string): string => new URL(url).origin;

/**
 * POSTs one alert's message, signed with `webhook-id` (the same for every
 * try of one alert, so a receiver can drop a repeat), `webhook-timestamp`
 * and `webhook-signature`. Resolves when the receiver answered 2xx; throws an
 * error that names the answer (never the URL's path). Redirects are not
 * followed: a 3xx is a failure.
 */
export async function postAlertWebhook(w: AlertWebhook, id: string, message: unknown): Promise<void> {
  const body = JSON.stringify(message);
  let res: Response;
  try {
    res = await (w.fetch ?? globalThis.fetch)(w.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'flowtrail-alerts', ...signWebhook(w.secret, id, body) },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(w.timeoutMs),
    });
  } catch (err) {
    const reason = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError') ? `no answer within ${w.timeoutMs / 1000} s`
      : `the connection failed (${err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err)})`;
    throw new Error(`${webhookOrigin(w.url)}: ${reason}`, { cause: err });
  }
  const answer = (await res.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
  if (res.status < 200 || res.status > 299) throw new Error(`${webhookOrigin(w.url)} answered ${res.status}${answer === '' ? '' : `: ${answer}`}`);
}
