import type { Config } from '../config.js';
import { retryDeadLetters } from '../jobs/index.js';
import { countJobs, listJobs, type RetriedJob } from '../store/index.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './cli-error.js';
import { withLocalDatabase } from './local-context.js';
import { findRunningService } from './service-client.js';

export const jobsUsage = `Usage:
  flowtrail jobs list [--state dead|pending|done] [--limit N]
  flowtrail jobs retry --id N | --all-dead

The worker's queue. A job that used all its attempts (GitLab down for longer
than its backoff, for instance) becomes a dead letter with the reason it last
failed; \`list\` shows them (the default state) and \`retry\` sends one, or all
of them, back to the queue to run now with their attempts counted from zero.
Each retry is recorded in the audit log as jobs_retried.`;

interface JobLine {
  id: number;
  name: string;
  state: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  result: string | null;
}

type Retried = { retried: { id: number; name: string; last_error: string | null }[] };
const asRetried = (jobs: RetriedJob[]): Retried => ({ retried: jobs.map((j) => ({ id: j.id, name: j.name, last_error: j.lastError })) });

export async function jobsCommand(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    out(jobsUsage);
    return 0;
  }
  if (sub === undefined) throw new UsageError(`a jobs command is required\n${jobsUsage}`);
  if (sub === 'list') {
    const { values } = parseCommandArgs(rest, { state: { type: 'string' }, limit: { type: 'string' } });
    if (values.help === true) {
      out(jobsUsage);
      return 0;
    }
    const state = values.state ?? 'dead';
    if (state !== 'dead' && state !== 'pending' && state !== 'done') throw new UsageError('--state is dead, pending or done');
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new UsageError('--limit is a whole number from 1 to 100');
    const remote = await findRunningService(config);
    const r = remote !== null
      ? await remote.json<{ counts: Record<string, number>; jobs: JobLine[] }>('GET', `/api/v1/jobs?state=${state}&limit=${limit}`)
      : await withLocalDatabase(config, async (ctx) => ({
          counts: await countJobs(ctx.sql),
          jobs: (await listJobs(ctx.sql, state, limit)).map((j) => ({ id: j.id, name: j.name, state: j.state, attempts: j.attempts, max_attempts: j.maxAttempts, last_error: j.lastError, result: j.result })),
        }));
    out(`pending ${r.counts.pending ?? 0}, done ${r.counts.done ?? 0}, dead ${r.counts.dead ?? 0}`);
    out(['ID\tNAME\tSTATE\tATTEMPTS\tREASON', ...r.jobs.map((j) => `${j.id}\t${j.name}\t${j.state}\t${j.attempts}/${j.max_attempts}\t${oneLine(j.state === 'done' ? j.result : j.last_error)}`)].join('\n'));
    return 0;
  }
  if (sub === 'retry') {
    const { values } = parseCommandArgs(rest, { id: { type: 'string' }, 'all-dead': { type: 'boolean' } });
    if (values.help === true) {
      out(jobsUsage);
      return 0;
    }
    if ((values.id === undefined) === (values['all-dead'] !== true)) throw new UsageError('give either --id N or --all-dead');
    const id = values.id === undefined ? null : Number(values.id);
    if (id !== null && (!Number.isSafeInteger(id) || id < 1)) throw new UsageError('--id is a job id (a positive whole number)');
    const remote = await findRunningService(config);
    const r: Retried = remote !== null
      ? await remote.json<Retried>('POST', id === null ? '/api/v1/jobs/retry-dead' : `/api/v1/jobs/${id}/retry`)
      : asRetried(await withLocalDatabase(config, (ctx) => retryDeadLetters(ctx.sql, id === null ? null : [id], 'cli')));
    if (id !== null && r.retried.length === 0) {
      out(`job ${id} is not a dead letter (no such job, or it is pending or done)`);
      return 1;
    }
    out(r.retried.length === 0 ? 'no dead letters to retry' : r.retried.map((j) => `queued again: job ${j.id} (${j.name}); it had failed with: ${oneLine(j.last_error)}`).join('\n'));
    return 0;
  }
  throw new UsageError(`unknown jobs command "${sub}"\n${jobsUsage}`);
}

const oneLine = (s: string | null) => (s ?? '-').replace(/\s+/g, ' ').slice(0, 300);
