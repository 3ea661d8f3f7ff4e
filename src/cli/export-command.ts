import { copyFileSync, createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import type { Config } from '../config.js';
import { buildBundle, EXPORT_FORMATS, exportEvents, formatBundle, type ExportFormat } from '../audit/index.js';
import { bundleVerifierPath } from '../integrity/index.js';
import { createSanitizer } from '../sanitize/index.js';
import type { EventFilters } from '../store/index.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './cli-error.js';
import { bytes, createProgress } from './progress.js';
import { withLocalDatabase } from './local-context.js';
import { findRunningService, serviceError } from './service-client.js';

export const exportUsage = `Usage: flowtrail export [--format ndjson|csv|cef|ocsf] [--out FILE] [--bundle]
       [--session-id ID] [--type TYPE] [--user USERNAME] [--project PATH] [--from DATE] [--to DATE]

Writes the matching audit events in log order (to standard output without
--out): NDJSON, CSV, ArcSight CEF lines, or OCSF 1.3 API Activity records.
Without --format it writes NDJSON and says so on standard error.
With --bundle, writes a JSON bundle with an inclusion proof for each
event against a fresh signed checkpoint, for \`flowtrail verify --bundle\`;
with --out FILE also verify-bundle.mjs beside FILE (replacing one there),
which checks the bundle anywhere with Node.js alone:
\`node verify-bundle.mjs FILE --key VERIFIER_KEY\`.
The export itself is recorded in the audit log.
On a terminal, one line on stderr shows the progress (bytes written, when
the export goes to --out or a pipe); piped or redirected, nothing.`;

export async function exportCommand(argv: string[], config: Config, out: (s: string) => void, err: (s: string) => void = (s) => console.error(s)): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    format: { type: 'string' }, out: { type: 'string' }, bundle: { type: 'boolean' },
    'session-id': { type: 'string' }, type: { type: 'string' }, user: { type: 'string' }, project: { type: 'string' },
    from: { type: 'string' }, to: { type: 'string' },
  });
  if (values.help === true) {
    out(exportUsage);
    return 0;
  }
  if (values.bundle === true && values.format !== undefined) throw new UsageError('--bundle writes a JSON bundle; leave out --format');
  const format = (values.format ?? 'ndjson') as ExportFormat;
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  if (values.format === undefined && values.bundle !== true) err(`flowtrail export: no --format given, writing ndjson (--format ${EXPORT_FORMATS.join('|')})`);
  const date = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw new UsageError(`--${name} must be a date or an RFC 3339 timestamp`);
    return d;
  };
  const filters: EventFilters = {
    sessionId: values['session-id'], type: values.type, username: values.user, project: values.project,
    from: date('from', values.from), to: date('to', values.to),
  };
  const sink = values.out === undefined ? process.stdout : createWriteStream(values.out, { mode: 0o600 });
  // On a terminal, one line on stderr counts what was written; not while the export itself goes to that terminal.
  const progress = values.out === undefined && process.stdout.isTTY === true
    ? createProgress(() => '', { write: () => true })
    : createProgress((n, _t, sec) => `exported ${bytes(n)} (${sec} s)`);
  let written = 0;
  const write = async (chunk: string) => {
    written += Buffer.byteLength(chunk);
    progress.update(written);
    if (!sink.write(chunk)) await once(sink, 'drain');
  };
  try {
    await exportTo(write);
  } finally {
    progress.end();
  }
  if (sink !== process.stdout) {
    sink.end();
    await once(sink, 'finish');
    if (values.bundle === true) {
      const verifier = join(dirname(values.out!), 'verify-bundle.mjs');
      copyFileSync(bundleVerifierPath, verifier);
      out(`wrote ${values.out} and, beside it, ${verifier}: run \`node ${verifier} ${values.out} --key VERIFIER_KEY\` to check it anywhere`);
    }
  }
  return 0;

  // Where the export comes from: the running service, else the database itself.
  async function exportTo(write: (chunk: string) => Promise<void>): Promise<void> {
    const remote = await findRunningService(config);
    if (remote !== null) {
      const q = new URLSearchParams({ format });
      if (values.bundle === true) q.set('bundle', 'true');
      for (const [k, v] of Object.entries({ session_id: filters.sessionId, type: filters.type, user: filters.username, project: filters.project, from: values.from, to: values.to })) {
        if (v !== undefined) q.set(k, v);
      }
      if (values.bundle === true) await remote.json('POST', '/api/v1/integrity/checkpoint');
      const res = await remote.request('GET', `/api/v1/export?${q}`);
      if (!res.ok) throw await serviceError(res, remote.url);
      if (res.body === null) throw new Error(`the service running at ${remote.url} sent no export`);
      if (values.bundle === true) await write(formatBundle(await res.json()));
      else for await (const chunk of res.body) await write(Buffer.from(chunk).toString('utf8'));
    } else {
      await withLocalDatabase(config, async (ctx) => {
        const actor = { id: 'cli', role: 'admin', username: null };
        const sanitizer = createSanitizer({ key: ctx.keys.sanitizerKey, customPatterns: [...config.sanitizer.customPatterns], allowlist: [...config.sanitizer.allowlist] });
        if (values.bundle === true) {
          await ctx.integrator.integrate();
          await ctx.integrator.checkpoint(true);
          const bundle = await buildBundle(ctx.sql, { filters, actor, channel: 'cli', origin: ctx.origin, verifierKey: ctx.verifierKey, sanitizer });
          await write(formatBundle(bundle));
          return;
        }
        for await (const chunk of exportEvents(ctx.sql, { format, filters, actor, channel: 'cli', sanitizer })) await write(chunk);
      });
    }
  }
}
