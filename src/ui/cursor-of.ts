import { AppError } from '../errors.js';

/** A cursor in a page's link: one the service did not issue starts from the top rather than failing the page. */
export function cursorOf<T>(raw: string | undefined, decode: (raw: string) => T): T | undefined {
  if (raw === undefined) return undefined;
  try {
    return decode(raw);
  } catch (e) {
    if (e instanceof AppError) return undefined;
    throw e;
  }
}
