// Node's share of plain verify per event, without the database: 20,000 lines read once, then
// checkVerifyLine and the leaf hash over them several times (the fastest pass counts).
import { checkVerifyLine } from '../src/audit/check-verify-line.js';
import { createDigestFrontier } from '../src/integrity/digest-frontier.js';
import { connect, verifyLineBatches, verifyRowBatches } from '../src/store/index.js';
import { BENCH_PG_URL } from './bench-env.js';

const sql = connect(Object.assign(new URL(BENCH_PG_URL), { pathname: '/flowtrail_bench_verify_kept' }).toString(), 2);
const lines: string[] = [];
for await (const b of verifyLineBatches(sql)) {
  for (const r of b) lines.push(r.line);
  if (lines.length >= 20_000) break;
}
const best = (name: string, fn: () => void) => {
  let min = Infinity;
  for (let i = 0; i < 7; i++) {
    const t0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(t0);
    min = Math.min(min, (c.user + c.system) / lines.length);
  }
  console.log(name.padEnd(28), min.toFixed(2), 'us/event');
};
best('checkVerifyLine', () => { for (const l of lines) checkVerifyLine(l, []); });
best('leaf hash (frontier)', () => { const t = createDigestFrontier(); for (const l of lines) t.append(l.slice(l.lastIndexOf('\t{"data"') + 1, l.lastIndexOf('}\t') + 1)); });
best('check + hash', () => { const t = createDigestFrontier(); for (const l of lines) { const c = checkVerifyLine(l, []); if (c.leaf !== null) t.append(c.leaf); } });
const t0 = performance.now(); const c0 = process.cpuUsage(); let n = 0;
for await (const b of verifyLineBatches(sql)) n += b.length;
let c = process.cpuUsage(c0);
console.log('read lines', Math.round(n / ((performance.now() - t0) / 1000)), 'rows/s', ((c.user + c.system) / n).toFixed(2), 'us/row Node');
const t1 = performance.now(); const c1 = process.cpuUsage(); n = 0;
for await (const b of verifyRowBatches(sql)) n += b.length;
c = process.cpuUsage(c1);
console.log('read typed rows', Math.round(n / ((performance.now() - t1) / 1000)), 'rows/s', ((c.user + c.system) / n).toFixed(2), 'us/row Node');
await sql.end();
