import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { parseQuery, reportQuerySchema, requirePermission } from '../http/index.js';
import { AppError } from '../errors.js';
import { produceReport, reportDepsFrom, type ProducedReport, type ReportDeps } from '../reports/index.js';
import { getStoredPack, listStoredPacks, type StoredPackRow } from '../store/index.js';

/** What producing a pack needs from the service. */
export function reportDepsOf(deps: AppDeps): ReportDeps {
  return reportDepsFrom({
    sql: deps.sql, origin: deps.origin, verifiers: deps.verifiers, retentionDays: deps.config.retention.days, chromiumPath: deps.config.reports.chromiumPath, integrator: deps.integrator,
  });
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
  // The packs the schedule produced and kept (FLOWTRAIL_REPORT_SCHEDULE), newest first, and each as a download.
  app.get('/stored', requirePermission(deps, 'report'), async (c) => {
    const unknown = Object.keys(c.req.query());
    if (unknown.length > 0) throw new AppError('invalid', `unknown query parameter: ${unknown.join(', ')}`);
    return c.json({ packs: (await listStoredPacks(deps.sql, 500)).map(storedView) });
  });
  app.get('/stored/:id', requirePermission(deps, 'report'), async (c) => {
    const raw = c.req.param('id');
    if (!/^[1-9]\d{0,15}$/.test(raw)) throw new AppError('invalid', 'the pack id must be a positive integer');
    const pack = await getStoredPack(deps.sql, Number(raw));
    if (pack === null) throw new AppError('not_found', `no stored evidence pack ${raw}`);
    return new Response(new Uint8Array(pack.content), {
      headers: {
        'content-type': pack.contentType, 'content-disposition': `attachment; filename="${pack.filename}"`,
        'x-flowtrail-sha256': pack.sha256, 'x-flowtrail-checkpoint-tree-size': String(pack.treeSize), 'cache-control': 'no-store',
      },
    });
  });
  return app;
}

/** A stored pack as the API lists it. */
export function storedView(p: StoredPackRow) {
  return {
    id: p.id, framework: p.framework, from: p.periodFrom.toISOString(), to: p.periodTo.toISOString(), format: p.format, filename: p.filename,
    bytes: p.bytes, sha256: p.sha256, tree_size: p.treeSize, produced_by: p.producedBy, created_at: p.createdAt.toISOString(),
  };
}
