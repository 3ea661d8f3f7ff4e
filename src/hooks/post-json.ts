import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * One JSON POST with a deadline, on node:http (the hooks start in tens of
 * milliseconds; fetch would load undici first). Resolves with the status and
 * parsed body; rejects on a network error, a timeout or a non-JSON answer.
 * Error messages never carry the token.
 */
export function postJson(url: string, token: string, body: unknown, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const payload = Buffer.from(JSON.stringify(body));
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(u, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': payload.length, authorization: `Bearer ${token}`, 'user-agent': 'flowtrail-hook' },
      timeout: timeoutMs,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(deadline);
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown });
        } catch {
          reject(new Error(`the service answered ${res.statusCode ?? '?'} without JSON`));
        }
      });
      res.on('error', (e) => reject(new Error(`the answer broke off: ${e.message}`)));
    });
    // The socket timeout covers silence; this covers a slow trickle too.
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', (e) => {
      clearTimeout(deadline);
      reject(new Error(`${u.origin} unreachable: ${e.message}`));
    });
    req.end(payload);
  });
}
