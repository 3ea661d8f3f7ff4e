// How loadConfig (src/config.ts) reads variables: trimmed, coerced and
// checked, each problem collected instead of thrown, so that a bad start-up
// names every variable at once. It reads only the object it is given.

export type Env = Readonly<Record<string, string | undefined>>;

export interface EnvReader {
  /** Every problem found so far, in the order found. */
  readonly problems: string[];
  /** The trimmed value; undefined when unset or blank. */
  get(name: string): string | undefined;
  int(name: string, fallback: number, min: number, max: number): number;
  /** An absolute URL of one of the protocols, without trailing slashes. */
  url(name: string, protocols?: readonly string[]): string | undefined;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  secret(name: string, minLength: number): string | undefined;
  jsonList<T>(name: string, check: (v: unknown) => v is T): T[];
}

export function createEnvReader(env: Env): EnvReader {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  return {
    problems,
    get,
    int(name, fallback, min, max) {
      const raw = get(name);
      if (raw === undefined) return fallback;
      if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
        problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
        return fallback;
      }
      return Number(raw);
    },
    url(name, protocols = ['http:', 'https:']) {
      const raw = get(name);
      if (raw === undefined) return undefined;
      if (!URL.canParse(raw) || !protocols.includes(new URL(raw).protocol)) {
        problems.push(`${name} must be a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL`);
        return undefined;
      }
      return raw.replace(/\/+$/, '');
    },
    oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
      const raw = get(name);
      if (raw === undefined) return fallback;
      if (!(allowed as readonly string[]).includes(raw)) {
        problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
        return fallback;
      }
      return raw as T;
    },
    secret(name, minLength) {
      const raw = get(name);
      if (raw !== undefined && raw.length < minLength) problems.push(`${name} must be at least ${minLength} characters`);
      return raw;
    },
    jsonList<T>(name: string, check: (v: unknown) => v is T): T[] {
      const raw = get(name);
      if (raw === undefined) return [];
      const parsed = parseJson(raw);
      if (Array.isArray(parsed) && parsed.every(check)) return parsed;
      problems.push(`${name} must be a JSON array (see docs/configuration.md)`);
      return [];
    },
  };
}

/** The parsed value, or undefined for text that is not JSON (the caller reports it). */
function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (e) {
    if (e instanceof SyntaxError) return undefined;
    throw e;
  }
}
