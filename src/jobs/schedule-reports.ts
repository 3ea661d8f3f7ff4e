import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { produceReport, type ReportDeps } from '../reports/index.js';
import { hasStoredPack, storePack } from '../store/index.js';
import type { DailyTask } from './run-daily-task.js';

/** The latest closed period of a schedule (UTC): the previous calendar month, or the previous week from Monday to Monday. */
export function closedPeriod(schedule: 'monthly' | 'weekly', now: Date): { from: Date; to: Date } {
  if (schedule === 'monthly') {
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    return { from: new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - 1, 1)), to };
  }
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const to = new Date(midnight - ((now.getUTCDay() + 6) % 7) * 86_400_000);
  return { from: new Date(to.getTime() - 7 * 86_400_000), to };
}

/**
 * The scheduled evidence packs: every day at 02:43 (server time) the process
 * holding the scheduler lease makes sure the latest closed period has a pack
 * of each configured framework and format, producing (and so auditing) and
 * keeping the missing ones. A day missed, or a pack that failed (PDF without
 * Chromium, say), is caught up the next day; the table's unique key keeps a
 * pack from being stored twice. Null when FLOWTRAIL_REPORT_SCHEDULE=off.
 */
export function scheduleReports(deps: ReportDeps, reports: Config['reports'], log: Logger, now = () => new Date()): DailyTask | null {
  if (reports.schedule === 'off') return null;
  const schedule = reports.schedule;
  return {
    name: 'evidence-packs',
    hour: 2,
    minute: 43,
    async run() {
      const { from, to } = closedPeriod(schedule, now());
      for (const framework of reports.frameworks) {
        for (const format of reports.formats) {
          if (await hasStoredPack(deps.sql, framework, from, to, format)) continue;
          try {
            const r = await produceReport(deps, { framework, from, to, format, actor: { id: 'schedule', role: 'system', username: null }, channel: 'schedule' });
            await storePack(deps.sql, {
              framework, periodFrom: from, periodTo: to, format, filename: r.filename, contentType: r.contentType, content: r.body,
              sha256: r.sha256, treeSize: r.pack.checkpoint.treeSize, producedBy: 'schedule',
            });
            log.info({ framework, format, from: from.toISOString(), to: to.toISOString(), sha256: r.sha256 }, 'scheduled evidence pack stored');
          } catch (err) {
            log.error({ err, framework, format }, 'scheduled evidence pack failed; it is tried again at the next run');
          }
        }
      }
    },
  };
}
