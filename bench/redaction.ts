// Only the redaction scores of bench/sanitize.ts (recall per kind, false
// positives, throughput on the corpus lines), for a quick look:
// `node dist/bench/redaction.js`.
import { runRedactionScores } from './sanitize.js';

for (const r of await runRedactionScores()) {
  console.log(`${r.name}: ${r.value} (secretlint ${r.baseline.value}) target ${r.target} ${r.pass ? 'met' : 'NOT met'}${r.notes ? `; ${r.notes}` : ''}`);
  if (r.table) console.log(`\n${r.table}`);
}
