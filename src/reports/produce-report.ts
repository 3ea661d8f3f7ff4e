import { createHash, randomUUID } from 'node:crypto';
import type { ReportFormat } from '../config.js';
import { AppError } from '../errors.js';
import type { NoteVerifier } from '../integrity/index.js';
import { checkpointCovering, recordEvents, type Sql } from '../store/index.js';
import { buildPack, type EvidencePack } from './build-pack.js';
import type { Framework } from './frameworks.js';
import { renderHtml } from './render-html.js';
import { renderOscal } from './render-oscal.js';
import { renderPdf } from './render-pdf.js';

export interface ReportRequest {
  framework: Framework;
  from: Date;
  to: Date;
  format: ReportFormat;
  actor: { id: string; role: string; username: string | null };
  channel: 'api' | 'cli' | 'web' | 'schedule';
}

export interface ReportDeps {
  sql: Sql;
  origin: string;
  verifiers: readonly NoteVerifier[];
  retentionDays: number;
  chromiumPath: string;
  /** Signs a checkpoint over what is recorded so far (the integrator's integrate + checkpoint). */
  sealLog(): Promise<void>;
}

/** ReportDeps from a service's parts: sealing the log is integrating the intake and signing a checkpoint. */
export function reportDepsFrom(o: {
  sql: Sql; origin: string; verifiers: readonly NoteVerifier[]; retentionDays: number; chromiumPath: string;
  integrator: { integrate(): Promise<unknown>; checkpoint(force?: boolean): Promise<unknown> };
}): ReportDeps {
  return {
    sql: o.sql, origin: o.origin, verifiers: o.verifiers, retentionDays: o.retentionDays, chromiumPath: o.chromiumPath,
    async sealLog() {
      await o.integrator.integrate();
      await o.integrator.checkpoint(true);
    },
  };
}

export interface ProducedReport {
  body: Buffer;
  contentType: string;
  filename: string;
  sha256: string;
  pack: EvidencePack;
}

const CONTENT_TYPES: Record<ReportFormat, string> = { html: 'text/html; charset=utf-8', pdf: 'application/pdf', oscal: 'application/json' };
const EXTENSIONS: Record<ReportFormat, string> = { html: 'html', pdf: 'pdf', oscal: 'oscal.json' };
/** The longest period a pack covers (a few years of monthly packs at once is still a single query per figure). */
export const MAX_PERIOD_DAYS = 3 * 366;

/** Checks a period as the API and the CLI take it: from before to, at most MAX_PERIOD_DAYS. */
export function checkPeriod(from: Date, to: Date): void {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new AppError('invalid', 'from and to must be dates (YYYY-MM-DD) or RFC 3339 timestamps');
  if (from >= to) throw new AppError('invalid', 'from must be before to');
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 86_400_000) throw new AppError('invalid', `a pack covers at most ${MAX_PERIOD_DAYS} days`);
}

/**
 * Produces an evidence pack in one format and records that it did
 * (evidence_pack_generated, with the file's SHA-256). The pack stands on the
 * smallest signed checkpoint holding every event recorded before the period's
 * end; when there is none yet, one is signed first.
 */
export async function produceReport(deps: ReportDeps, r: ReportRequest): Promise<ProducedReport> {
  checkPeriod(r.from, r.to);
  let checkpoint = await checkpointCovering(deps.sql, r.from, r.to);
  if (checkpoint === null) {
    await deps.sealLog();
    checkpoint = await checkpointCovering(deps.sql, r.from, r.to);
  }
  if (checkpoint === null) throw new AppError('conflict', 'the log has no signed checkpoint yet (it holds no event): there is nothing to report on');
  const pack = await buildPack(deps.sql, {
    framework: r.framework, from: r.from, to: r.to, checkpoint, origin: deps.origin, verifiers: deps.verifiers, retentionDays: deps.retentionDays,
  });
  const body = r.format === 'oscal' ? Buffer.from(renderOscal(pack)) : r.format === 'html' ? Buffer.from(renderHtml(pack)) : await renderPdf(renderHtml(pack), deps.chromiumPath);
  const sha256 = createHash('sha256').update(body).digest('hex');
  await recordEvents(deps.sql, [{
    eventId: randomUUID(), type: 'evidence_pack_generated', sessionId: null, occurredAt: new Date().toISOString(), source: 'system', username: r.actor.username,
    data: {
      framework: r.framework, from: pack.period.from, to: pack.period.to, format: r.format, tree_size: pack.checkpoint.treeSize, root_hash: pack.checkpoint.rootHash,
      sha256, bytes: body.length, actor: r.actor, channel: r.channel,
    },
  }]);
  const day = (iso: string) => iso.slice(0, 10);
  return {
    body, contentType: CONTENT_TYPES[r.format], sha256, pack,
    filename: `flowtrail-${r.framework}-${day(pack.period.from)}-${day(pack.period.to)}.${EXTENSIONS[r.format]}`,
  };
}
