import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface PostAnswer {
  status: number;
  /** The answer's body, cut at 64 KiB. */
  body: string;
}

export interface Poster {
  post(url: URL, headers: Record<string, string>, body: string | Buffer): Promise<PostAnswer>;
  close(): void;
}

const MAX_ANSWER = 64 * 1024;

/**
 * POSTs over keep-alive connections (one pool per destination), trusting
 * `ca` in addition to the system's roots for https. A request that takes
 * longer than `timeoutMs` fails.
 */
export function createPoster(options: { ca?: string | null; timeoutMs?: number } = {}): Poster {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 4 });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 4, ...(options.ca ? { ca: options.ca } : {}) });
  return {
    post(url, headers, body) {
      return new Promise<PostAnswer>((resolve, reject) => {
        const https = url.protocol === 'https:';
        const req = (https ? httpsRequest : httpRequest)(url, {
          method: 'POST', agent: https ? httpsAgent : httpAgent, timeout: timeoutMs,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        }, (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < MAX_ANSWER) chunks.push(c);
            size += c.length;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).subarray(0, MAX_ANSWER).toString('utf8') }));
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
        req.on('error', reject);
        req.end(body);
      });
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
