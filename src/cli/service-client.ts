import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { AppError, isErrorCode } from '../errors.js';
import { isAlive } from '../store/index.js';

export interface ServiceClient {
  url: string;
  request(method: string, path: string, body?: unknown): Promise<Response>;
  json<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/**
 * When `serve` holds the embedded database, the CLI goes through it: serve.json
 * in the data directory names its URL and a token for this purpose. Returns
 * null when no live service holds it (the CLI then opens the database itself).
 */
export async function findRunningService(config: Config): Promise<ServiceClient | null> {
  if (config.db.url !== undefined) return null;
  let info: { pid: number; url: string; token: string };
  try {
    info = JSON.parse(await readFile(join(config.db.dataDir, 'serve.json'), 'utf8')) as typeof info;
  } catch {
    return null;
  }
  if (!Number.isInteger(info.pid) || !isAlive(info.pid)) return null;
  const request = (method: string, path: string, body?: unknown) =>
    fetch(`${info.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${info.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    url: info.url,
    request,
    async json<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await request(method, path, body);
      if (!res.ok) throw await serviceError(res, info.url);
      return (await res.json()) as T;
    },
  };
}

/**
 * The service's refusal as the error the CLI would have thrown had it opened
 * the database itself: the same AppError, code and message (an `invalid`
 * one is a usage error, exit 2), so the user reads what was wrong, not an
 * HTTP status.
 */
export async function serviceError(res: Response, url: string): Promise<Error> {
  const text = await res.text();
  let body: { error?: unknown; message?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not one of the service's JSON answers: the text itself is all there is.
  }
  const message = typeof body.message === 'string' && body.message !== '' ? body.message : text.trim().slice(0, 300);
  if (isErrorCode(body.error) && res.status < 500) return new AppError(body.error, message);
  return new Error(`the service running at ${url} could not do it: ${message || res.statusText}`);
}
