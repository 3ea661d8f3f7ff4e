// What must hold after the crashes: read from the database directly, from
// the fake GitLab's counts, from `flowtrail verify`, and from every line the
// replicas printed.
import { execFile } from 'node:child_process';
import type { Sql } from '../../src/store/index.js';
import type { FakeGitlab } from './fake-gitlab.js';
import { FLOWTRAIL_BIN } from './paths.js';
import type { LogLine } from './replicas.js';
import type { Ledger } from './sender.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Figures {
  acknowledged: number;
  stored: number;
  lost: number;
  duplicated: number;
  writeBacksExpected: number;
  writeBacksDone: number;
  logSize: number;
}

const check = (name: string, ok: boolean, detail: string): Check => ({ name, ok, detail });
const head = (xs: readonly string[], n = 5) => (xs.length <= n ? xs.join('; ') : `${xs.slice(0, n).join('; ')}; … (${xs.length} in all)`);

/** Log lines that are not a failure, though at error level: none so far. Each entry says why it is expected. */
const EXPECTED_ERRORS: { pattern: RegExp; why: string }[] = [];

export function checkLogs(logs: readonly LogLine[]): Check[] {
  const errors: string[] = [];
  const unhandled: string[] = [];
  for (const l of logs) {
    const where = `replica ${l.replica}#${l.generation} ${l.stream}`;
    if (/unhandled|uncaught/i.test(l.text)) unhandled.push(`${where}: ${l.text.slice(0, 300)}`);
    let level = 0;
    try {
      const parsed = JSON.parse(l.text) as { level?: unknown };
      level = typeof parsed.level === 'number' ? parsed.level : 0;
    } catch {
      // Not a pino line (a crash's stack trace, a Node warning): an error only if it says so.
      if (l.stream === 'stderr' && /error/i.test(l.text) && !/ExperimentalWarning/.test(l.text)) level = 50;
    }
    if (level >= 50 && !EXPECTED_ERRORS.some((e) => e.pattern.test(l.text))) errors.push(`${where}: ${l.text.slice(0, 300)}`);
  }
  return [
    check('no unhandled rejection or uncaught exception in any replica log', unhandled.length === 0, unhandled.length === 0 ? `${logs.length} lines scanned` : head(unhandled)),
    check('no unexpected error (pino level >= 50) in any replica log', errors.length === 0, errors.length === 0 ? `${logs.length} lines scanned` : head(errors)),
  ];
}

/** `flowtrail verify` against the database, as an operator runs it (no service running). */
export function runVerify(env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [FLOWTRAIL_BIN, 'verify'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** The database's side, after the replicas stopped: what was acknowledged is stored once, the log whole, the jobs done. */
export async function checkDatabase(sql: Sql, ledger: Ledger, gitlab: Pick<FakeGitlab, 'footers' | 'notes' | 'calls' | 'unknown'>): Promise<{ checks: Check[]; figures: Figures }> {
  const checks: Check[] = [];
  // Events: every acknowledged id stored, none twice.
  const ids = [...ledger.events.keys()];
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await sql<{ eventId: string }[]>`select event_id::text as event_id from audit_events where event_id = any(${ids.slice(i, i + 5000)}::uuid[])`;
    for (const r of rows) found.add(r.eventId);
  }
  const lostEvents = ids.filter((id) => !found.has(id));
  const [dupIds] = await sql<{ n: number }[]>`select count(*)::int as n from (select event_id from audit_events group by event_id having count(*) > 1) d`;
  // Facts recorded once per session whatever the retries (its authorization check, its archival), and no footer restore: nobody removed a footer here.
  const once = await sql<{ sessionId: string; kind: string; n: number }[]>`
    select session_id, case when type like 'duo_flow_authorization_%' then 'authorization' else type end as kind, count(*)::int as n
    from audit_events
    where type in ('duo_flow_authorization_verified', 'duo_flow_authorization_unverified', 'duo_flow_activity_archived', 'duo_flow_footer_restored')
    group by 1, 2 having count(*) > case when min(type) = 'duo_flow_footer_restored' then 0 else 1 end`;
  // Deliveries: every acknowledged dedupe key stored, each with exactly one job.
  const keys = [...ledger.deliveries.keys()];
  const deliveryRows = await sql<{ dedupeKey: string; jobs: number }[]>`
    select d.dedupe_key, (select count(*)::int from jobs j where j.name = 'gitlab.delivery' and j.payload->>'delivery_id' = d.id::text) as jobs
    from deliveries d where d.dedupe_key = any(${keys})`;
  const storedKeys = new Set(deliveryRows.map((r) => r.dedupeKey));
  const lostDeliveries = keys.filter((k) => !storedKeys.has(k));
  const jobless = deliveryRows.filter((r) => r.jobs !== 1).map((r) => `${r.dedupeKey.slice(0, 30)}… has ${r.jobs} jobs`);
  const duplicated = dupIds!.n + once.length;
  checks.push(check('every acknowledged event stored (lost = 0)', lostEvents.length === 0, `${ids.length} acknowledged, ${found.size} stored${lostEvents.length > 0 ? `; lost: ${head(lostEvents)}` : ''}`));
  checks.push(check('every acknowledged delivery stored (lost = 0)', lostDeliveries.length === 0, `${keys.length} acknowledged, ${storedKeys.size} stored${lostDeliveries.length > 0 ? `; lost: ${head(lostDeliveries)}` : ''}`));
  checks.push(check('nothing stored twice (duplicated = 0)', duplicated === 0, duplicated === 0 ? 'event ids unique; one authorization check, archival and no footer restore per session'
    : `${dupIds!.n} event ids twice; ${head(once.map((o) => `session ${o.sessionId}: ${o.kind} x${o.n}`))}`));
  checks.push(check('each stored delivery has exactly one job', jobless.length === 0, jobless.length === 0 ? `${deliveryRows.length} deliveries` : head(jobless)));
  // Pushes the hook accepted: each checked and recorded (a push retried after a failed check may be recorded once per check).
  const unrecorded: string[] = [];
  for (const branch of ledger.pushes) {
    const [r] = await sql<{ n: number }[]>`select count(*)::int as n from audit_events where type = 'duo_flow_push_checked' and leaf like ${`%"${branch}"%`}`;
    if (r!.n === 0) unrecorded.push(branch);
  }
  checks.push(check('every accepted push recorded as duo_flow_push_checked', unrecorded.length === 0, unrecorded.length === 0 ? `${ledger.pushes.length} pushes in ${ledger.pushAttempts} attempts` : head(unrecorded)));
  // The log: seq 0..N-1 (the leaf index) without a hole, and the tree state agrees.
  const [log] = await sql<{ n: number; lo: number | null; hi: number | null }[]>`select count(*)::int as n, min(seq) as lo, max(seq) as hi from audit_events`;
  const [state] = await sql<{ size: number }[]>`select size from log_state`;
  const gapFree = log!.n === 0 || (log!.lo === 0 && log!.hi === log!.n - 1 && state?.size === log!.n);
  checks.push(check('the log is gap-free (seq 0..N-1, no hole)', gapFree, `${log!.n} events, seq ${log!.lo}..${log!.hi}, tree size ${state?.size}`));
  // Jobs: drained, and no dead letter (every GitLab call here succeeds, so none should have died).
  const jobs = await sql<{ state: string; n: number }[]>`select state, count(*)::int as n from jobs group by state`;
  const count = (s: string) => jobs.find((j) => j.state === s)?.n ?? 0;
  const dead = await sql<{ name: string; lastError: string | null }[]>`select name, last_error from jobs where state = 'dead' order by id limit 5`;
  checks.push(check('no dead letter (jobs dead = 0)', count('dead') === 0, count('dead') === 0 ? `${count('done')} done` : head(dead.map((d) => `${d.name}: ${d.lastError}`))));
  checks.push(check('the job queue drained (jobs pending = 0)', count('pending') === 0, `${count('pending')} pending`));
  // Write-back: one footer and one note per (MR, session), as the fake GitLab counted them.
  const expected = [...ledger.writeBacks];
  const wrong: string[] = [];
  let done = 0;
  for (const k of new Set([...expected, ...gitlab.footers.keys(), ...gitlab.notes.keys()])) {
    const f = gitlab.footers.get(k) ?? 0;
    const n = gitlab.notes.get(k) ?? 0;
    if (f === 1 && n === 1 && ledger.writeBacks.has(k)) done++;
    else wrong.push(`${k}: ${f} footers, ${n} notes${ledger.writeBacks.has(k) ? '' : ' (not expected)'}`);
  }
  checks.push(check('every write-back done exactly once (one footer, one note per MR and session)', wrong.length === 0, `${done} of ${expected.length}${wrong.length > 0 ? `; ${head(wrong)}` : ''}`));
  checks.push(check('the fake GitLab answered every call the service made', gitlab.unknown.length === 0, gitlab.unknown.length === 0 ? `${[...gitlab.calls.values()].reduce((a, b) => a + b, 0)} calls` : head(gitlab.unknown)));
  checks.push(check('no sender got a 4xx or an unexpected answer', ledger.failures.length === 0, ledger.failures.length === 0 ? `${ledger.requests} requests` : head(ledger.failures)));
  return {
    checks,
    figures: {
      acknowledged: ids.length + keys.length, stored: found.size + storedKeys.size, lost: lostEvents.length + lostDeliveries.length, duplicated,
      writeBacksExpected: expected.length, writeBacksDone: done, logSize: log!.n,
    },
  };
}
