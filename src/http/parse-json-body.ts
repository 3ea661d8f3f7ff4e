import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from '../errors.js';

/**
 * Reads a JSON body and checks it against `schema`; anything else is a 400
 * naming each problem by its path. `whenEmpty` is the answer for a request
 * without a body, where one is optional.
 */
export async function parseJsonBody<T extends z.ZodType>(c: Context, schema: T, shape: string, whenEmpty?: z.infer<T>): Promise<z.infer<T>> {
  const text = await c.req.text();
  if (whenEmpty !== undefined && text.trim() === '') return whenEmpty;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError('invalid', `the body must be JSON: ${shape}`);
  }
  const r = schema.safeParse(body);
  if (!r.success) throw new AppError('invalid', r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return r.data;
}
