import type { ChaosResult } from './run-chaos.js';

/** The figures as a Markdown table, then every check with its detail. */
export function formatResult(r: ChaosResult): string {
  const lines = [formatFigures(r), ''];
  for (const c of r.checks) lines.push(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`);
  lines.push('', r.ok ? 'chaos: every check passed' : `chaos: FAILED (seed ${r.options.seed}; replica logs in ${r.logFile})`);
  return lines.join('\n');
}

/** The figures of a run as a Markdown table. */
export function formatFigures(r: ChaosResult): string {
  const f = r.figures;
  const o = r.options;
  const rows: [string, string][] = [
    ['database, replicas', `${o.db}, ${o.replicas}`],
    ['seed, duration, kills', `${o.seed}, ${o.durationS} s, ${o.kills}`],
    ['requests (retries; sent twice at once)', `${f.requests} (${f.retries}; ${f.concurrentCopies})`],
    ['acknowledged (events + deliveries)', String(f.acknowledged)],
    ['stored', String(f.stored)],
    ['lost (must be 0)', String(f.lost)],
    ['duplicated (must be 0)', String(f.duplicated)],
    ['never acknowledged (gave up)', String(f.unacknowledged)],
    ['sessions, pushes through the hook', `${f.sessions}, ${f.pushes}`],
    ['log size (events)', String(f.logSize)],
    ['restarts', String(f.restarts)],
    ['restart to ready, median / max', `${Math.round(f.readyMedianMs)} ms / ${Math.round(f.readyMaxMs)} ms`],
    ['jobs pending when the load stopped; drained in', `${f.pendingAtDrain}; ${f.drainMs < 0 ? `not within ${o.drainTimeoutS} s` : `${(f.drainMs / 1000).toFixed(1)} s`}`],
    ['write-backs expected / done once', `${f.writeBacksExpected} / ${f.writeBacksDone}`],
  ];
  return ['| figure | value |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}
