import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The layout rules of docs/architecture.md, checked on the source itself so they stay true.
const SRC = dirname(fileURLToPath(import.meta.url));
const SURFACES = ['api', 'ingest', 'graphql', 'ui', 'openapi', 'ops'];

interface Import {
  from: string;
  to: string;
  line: number;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(d.name) && !/\.test\.tsx?$/.test(d.name) ? [path] : [];
  });
}

/** Every relative import and re-export of the production sources, as paths relative to src/. */
function relativeImports(): Import[] {
  return sourceFiles(SRC).flatMap((file) =>
    readFileSync(file, 'utf8').split('\n').flatMap((text, i) => {
      const m = /^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/.exec(text) ?? /^\s*import\s+'(\.[^']+)'/.exec(text);
      if (m === null) return [];
      const target = normalize(join(dirname(file), m[1]!)).replace(/\.js$/, '');
      return [{ from: relative(SRC, file), to: relative(SRC, target), line: i + 1 }];
    }),
  );
}

/** The folder of src/ a path belongs to, or the file itself for the top-level modules (config, events, errors, ...). */
const unitOf = (path: string): string => (path.includes(sep) ? path.split(sep)[0]! : path.replace(/\.tsx?$/, ''));
const describeImport = (i: Import) => `${i.from}:${i.line} -> ${i.to}`;

/** Folder-level cycles, each as the list of folders it passes through (Tarjan's strongly connected components). */
function cycles(edges: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the layout of src/', () => {
  const imports = relativeImports();
  const crossing = imports.filter((i) => unitOf(i.from) !== unitOf(i.to));

  it('reads the sources it checks', () => {
    expect(imports.length).toBeGreaterThan(100);
    expect(crossing.length).toBeGreaterThan(50);
  });

  it('imports another folder only through its index.ts', () => {
    const bypassing = crossing.filter((i) => i.to.includes(sep) && !i.to.endsWith(`${sep}index`));
    expect(bypassing.map(describeImport)).toEqual([]);
  });

  it('has no import between the request surfaces (api, ingest, graphql, ui, openapi, ops): what they share is in src/http/', () => {
    const sideways = crossing.filter((i) => SURFACES.includes(unitOf(i.from)) && SURFACES.includes(unitOf(i.to)));
    expect(sideways.map(describeImport)).toEqual([]);
  });

  it('has no import circle between folders and top-level modules', () => {
    const edges = new Map<string, Set<string>>();
    for (const i of crossing) {
      const from = unitOf(i.from);
      edges.set(from, (edges.get(from) ?? new Set()).add(unitOf(i.to)));
    }
    expect(cycles(edges)).toEqual([]);
  });

  it('finds a circle when there is one (the check itself works)', () => {
    const edges = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]);
    expect(cycles(edges)).toEqual([['a', 'b', 'c']]);
  });

  it('lists each index.ts export by name (no export *)', () => {
    const starred = sourceFiles(SRC).filter((f) => /^\s*export\s+\*/m.test(readFileSync(f, 'utf8')));
    expect(starred.map((f) => relative(SRC, f))).toEqual([]);
  });
});
