// The people flowtrail knows from GitLab (display names and usernames), as a
// lookup the name detector consults at each capitalised word and each
// `@mention`. The list comes from a provider the service refreshes in the
// background (see src/sessions/known-people-cache.ts); the lookup is rebuilt
// only when the provider hands back a different array, so sanitizing never
// waits on the database.

export interface KnownPeople {
  /** Full display names starting with this word (case as written), longest first. */
  namesByFirstWord(word: string): readonly string[] | undefined;
  /** A username (lower case) flowtrail knows. */
  hasUsername(name: string): boolean;
}

const NONE: KnownPeople = { namesByFirstWord: () => undefined, hasUsername: () => false };

export function createKnownPeople(provider: (() => readonly string[]) | undefined): () => KnownPeople {
  if (provider === undefined) return () => NONE;
  let source: readonly string[] | undefined;
  let built = NONE;
  return () => {
    const list = provider();
    if (list !== source) {
      source = list;
      built = build(list);
    }
    return built;
  };
}

function build(list: readonly string[]): KnownPeople {
  const byFirst = new Map<string, string[]>();
  const usernames = new Set<string>();
  for (const raw of list) {
    const entry = raw.trim();
    if (entry.length < 3 || entry.length > 120) continue;
    if (/\s/.test(entry)) {
      const first = entry.slice(0, entry.search(/\s/));
      const names = byFirst.get(first) ?? [];
      names.push(entry.replace(/\s+/g, ' '));
      byFirst.set(first, names);
    } else if (/^[\w.-]+$/.test(entry) && entry.length >= 4) {
      usernames.add(entry.toLowerCase());
    }
  }
  for (const names of byFirst.values()) names.sort((a, b) => b.length - a.length);
  return { namesByFirstWord: (word) => byFirst.get(word), hasUsername: (name) => usernames.has(name.toLowerCase()) };
}
