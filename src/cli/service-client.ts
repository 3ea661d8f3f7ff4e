import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
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
      const parsed = (await res.json()) as T & { message?: string };
      if (!res.ok) throw new Error(`the running service answered ${res.status}: ${parsed.message ?? ''}`);
      return parsed;
    },
  };
}
