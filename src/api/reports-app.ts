import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { parseQuery, reportQuerySchema, requirePermission } from '../http/index.js';
import { produceReport, type ProducedReport, type ReportDeps } from '../reports/index.js';

/** What producing a pack needs from the service. */
export function reportDepsOf(deps: AppDeps): ReportDeps {
  return {
    sql: deps.sql, origin: deps.origin, verifiers: deps.verifiers, retentionDays: deps.config.retention.days, chromiumPath: deps.config.reports.chromiumPath,
    async sealLog() {
      await deps.integrator.integrate();
      await deps.integrator.checkpoint(true);
    },
  };
}

/** The file as a download, with its SHA-256 and the checkpoint it stands on. */
export function reportResponse(r: ProducedReport): Response {
  return new Response(new Uint8Array(r.body), {
    headers: {
      'content-type': r.contentType,
      'content-disposition': `attachment; filename="${r.filename}"`,
      'x-flowtrail-sha256': r.sha256,
      'x-flowtrail-checkpoint-tree-size': String(r.pack.checkpoint.treeSize),
      'cache-control': 'no-store',
    },
  });
}

/**
 * GET /api/v1/reports?framework=&from=&to=&format=: an evidence pack
 * (auditor, admin), produced on the spot and recorded as
 * evidence_pack_generated.
 */
export function createReportsApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', requirePermission(deps, 'report'), async (c) => {
    const q = parseQuery(reportQuerySchema, c.req.query());
    const p = c.get('principal');
    const report = await produceReport(reportDepsOf(deps), {
      framework: q.framework, from: q.from, to: q.to, format: q.format,
      actor: { id: p.tokenId, role: p.role, username: p.username }, channel: 'api',
    });
    return reportResponse(report);
  });
  return app;
}
