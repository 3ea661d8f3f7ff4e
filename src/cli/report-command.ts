import { writeFile } from 'node:fs/promises';
import { REPORT_FORMATS, type Config, type ReportFormat } from '../config.js';
import { parseVerifierKey } from '../integrity/index.js';
import { FRAMEWORKS, isFramework, produceReport } from '../reports/index.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './cli-error.js';
import { withLocalDatabase } from './local-context.js';
import { findRunningService, serviceError } from './service-client.js';

export const reportUsage = `Usage: flowtrail report --framework ${FRAMEWORKS.join('|')} --from DATE --to DATE
       [--format html|pdf|oscal] [--out FILE]

Writes an evidence pack for the period [from, to) (to standard output
without --out): per control of the framework what it asks, what the audit
trail recorded in the period, and a finding (satisfied or not-satisfied, with
the reason), with sample sessions proved against a signed checkpoint.
html is the default; oscal is an OSCAL Assessment Results document (JSON);
pdf needs Chromium (FLOWTRAIL_CHROMIUM_PATH). DATE is YYYY-MM-DD (UTC) or an
RFC 3339 time. The pack is recorded in the audit log; its SHA-256 goes to
standard error. See docs/reports.md.`;

export async function reportCommand(argv: string[], config: Config, out: (s: string) => void, err: (s: string) => void = (s) => console.error(s)): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    framework: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' },
  });
  if (values.help === true) {
    out(reportUsage);
    return 0;
  }
  const framework = values.framework;
  if (!isFramework(framework)) throw new UsageError(`--framework must be one of ${FRAMEWORKS.join(', ')}`);
  const format = (values.format ?? 'html') as ReportFormat;
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  const date = (name: 'from' | 'to') => {
    const v = values[name];
    if (v === undefined) throw new UsageError(`--${name} is required`);
    if (!/^\d{4}-\d{2}-\d{2}(T.+)?$/.test(v) || Number.isNaN(new Date(v).getTime())) throw new UsageError(`--${name} must be a date (YYYY-MM-DD) or an RFC 3339 timestamp`);
    return v;
  };
  const from = date('from');
  const to = date('to');
  let body: Buffer;
  let sha256: string;
  let treeSize: string;
  const remote = await findRunningService(config);
  if (remote !== null) {
    const res = await remote.request('GET', `/api/v1/reports?${new URLSearchParams({ framework, from, to, format })}`);
    if (!res.ok) throw await serviceError(res, remote.url);
    body = Buffer.from(await res.arrayBuffer());
    sha256 = res.headers.get('x-flowtrail-sha256') ?? '';
    treeSize = res.headers.get('x-flowtrail-checkpoint-tree-size') ?? '';
  } else {
    const r = await withLocalDatabase(config, (ctx) => produceReport({
      sql: ctx.sql, origin: ctx.origin, verifiers: [parseVerifierKey(ctx.verifierKey)], retentionDays: config.retention.days, chromiumPath: config.reports.chromiumPath,
      async sealLog() {
        await ctx.integrator.integrate();
        await ctx.integrator.checkpoint(true);
      },
    }, { framework, from: new Date(from), to: new Date(to), format, actor: { id: 'cli', role: 'admin', username: null }, channel: 'cli' }));
    body = r.body;
    sha256 = r.sha256;
    treeSize = String(r.pack.checkpoint.treeSize);
  }
  if (values.out === undefined) process.stdout.write(body);
  else await writeFile(values.out, body, { mode: 0o600 });
  err(`flowtrail report: ${framework} ${format}${values.out === undefined ? '' : ` written to ${values.out}`}, sha256 ${sha256}, signed checkpoint of tree size ${treeSize}`);
  return 0;
}
