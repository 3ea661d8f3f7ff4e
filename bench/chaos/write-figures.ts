import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatFigures } from './format-result.js';
import { repoRoot } from './paths.js';
import type { ChaosResult } from './run-chaos.js';

/**
 * Replaces the figures of this database's run in docs/reliability.md: the
 * lines between `<!-- chaos:<db> -->` and `<!-- /chaos:<db> -->` in the
 * "Crash consistency" section, and nothing else of the file (other sections
 * have other authors).
 */
export function writeFigures(r: ChaosResult, machine: string, date: string): string {
  const file = join(repoRoot(), 'docs', 'reliability.md');
  const text = readFileSync(file, 'utf8');
  const open = `<!-- chaos:${r.options.db} -->`;
  const close = `<!-- /chaos:${r.options.db} -->`;
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  if (a < 0 || b < a) throw new Error(`${file} has no ${open} … ${close} block in its "Crash consistency" section`);
  const block = [open, '', `${machine}, ${date}; \`node dist/bench/chaos.js --db ${r.options.db} --replicas ${r.options.replicas} --kills ${r.options.kills} --duration ${r.options.durationS} --workers ${r.options.sessionWorkers} --seed ${r.options.seed}\`: ${r.ok ? 'every check passed' : `FAILED: ${r.checks.filter((c) => !c.ok).map((c) => c.name).join('; ')}`}.`, '', formatFigures(r), ''].join('\n');
  writeFileSync(file, `${text.slice(0, a)}${block}${text.slice(b)}`);
  return file;
}
